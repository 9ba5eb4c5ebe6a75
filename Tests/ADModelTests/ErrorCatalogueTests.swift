import ADModel
import Testing

@Suite("Error catalogue")
struct ErrorCatalogueTests {
    /// Rows of the §7 tables: (hex or Kerberos number, signed decimal or nil, symbol).
    static let section7Rows: [(code: String, decimal: String?, symbol: String)] = Fixtures.section7Tables
        .split(separator: "\n")
        .compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: " *")
            }
            guard cells.count > 3 else { return nil }
            if cells[1].hasPrefix("0x") {
                // "RPC_S_SERVER_UNAVAILABLE (1722)" → symbol only.
                let symbol = cells[3].split(separator: " ").first.map(String.init) ?? cells[3]
                return (cells[1], cells[2], symbol)
            }
            if let first = cells[1].first, first.isNumber { return (cells[1], nil, cells[2]) }
            return nil
        }

    @Test("the §7 fixture has every row (48 HRESULTs, 10 Kerberos codes)")
    func fixtureComplete() {
        #expect(Self.section7Rows.filter { $0.decimal != nil }.count == 48)
        #expect(Self.section7Rows.filter { $0.decimal == nil }.count == 10)
    }

    @Test("every §7 code is in the catalogue with its symbol, by hex, signed decimal and symbol")
    func everyCode() throws {
        for row in Self.section7Rows {
            if let decimal = row.decimal {
                let byHex = try ErrorCatalogue.explain(row.code)
                #expect(byHex.entries.map(\.symbol) == [row.symbol], "\(row.code)")
                let byDecimal = try ErrorCatalogue.explain(decimal)
                #expect(byDecimal.entries.map(\.symbol) == [row.symbol], "\(decimal)")
                let entry = try #require(byHex.entries.first)
                #expect(entry.hex == row.code.uppercased().replacingOccurrences0x())
                #expect(String(entry.signedDecimal) == decimal)
                #expect(!entry.message.isEmpty)
                #expect(entry.ruleIDs.allSatisfy { $0.hasPrefix("CES-") })
            } else {
                let byNumber = try ErrorCatalogue.explain(row.code, hint: .kerberos)
                #expect(byNumber.entries.map(\.symbol) == [row.symbol], "krb \(row.code)")
            }
            let bySymbol = try ErrorCatalogue.explain(row.symbol.lowercased())
            #expect(bySymbol.entries.first?.symbol == row.symbol)
        }
    }

    @Test(
        "input forms normalise to 0x803D0013",
        arguments: [
            "0x803d0013", "0x803D0013", "803D0013", "803d0013", "-2143485933", "2151481363",
            "WS_E_ENDPOINT_FAULT_RECEIVED",
            "ws_e_endpoint_fault_received", "  0x803d0013  ",
            "0x803d0013 (-2143485933 WS_E_ENDPOINT_FAULT_RECEIVED): A message containing a fault was received from the remote endpoint.",
        ])
    func forms(input: String) throws {
        let explanation = try ErrorCatalogue.explain(input)
        #expect(explanation.entries.map(\.code) == [0x803D_0013])
        let entry = try #require(explanation.entries.first)
        #expect(entry.message == "A message containing a fault was received from the remote endpoint.")
        #expect(entry.ruleIDs.contains("CES-A1"))
        #expect(entry.ruleIDs.contains("CES-C2"))
        #expect(entry.likelyCauses.count >= 5)
    }

    @Test(
        "Win32 forms use HRESULT_FROM_WIN32",
        arguments: [
            "WIN32: 1722", "win32:1722", "WIN32 1722", "HRESULT_FROM_WIN32(1722)", "1722", "0x800706BA", "-2147023174",
        ])
    func win32(input: String) throws {
        let explanation = try ErrorCatalogue.explain(input)
        #expect(explanation.entries.contains { $0.symbol == "RPC_S_SERVER_UNAVAILABLE" })
        #expect(explanation.entries.first { $0.symbol == "RPC_S_SERVER_UNAVAILABLE" }?.win32Code == 1722)
    }

    @Test("HRESULT_FROM_WIN32")
    func hresultFromWin32Values() {
        #expect(hresultFromWin32(1722) == 0x8007_06BA)
        #expect(hresultFromWin32(5) == 0x8007_0005)
        #expect(hresultFromWin32(1825) == 0x8007_0721)
        #expect(hresultFromWin32(0) == 0)
        #expect(hresultFromWin32(0x8007_0005) == 0x8007_0005)
    }

    @Test("Kerberos numbers: decimal or hex with the hint; ambiguous small numbers list every reading")
    func kerberos() throws {
        #expect(try ErrorCatalogue.explain("13", hint: .kerberos).entries.map(\.symbol) == ["KDC_ERR_BADOPTION"])
        #expect(try ErrorCatalogue.explain("0xd", hint: .kerberos).entries.map(\.symbol) == ["KDC_ERR_BADOPTION"])
        #expect(try ErrorCatalogue.explain("kdc_err_badoption").entries.first?.ruleIDs.contains("CES-A1") == true)
        // "5" alone: no Kerberos 5 in the catalogue, but Win32 5 = E_ACCESSDENIED.
        #expect(try ErrorCatalogue.explain("5").entries.map(\.symbol) == ["E_ACCESSDENIED"])
        #expect(try ErrorCatalogue.explain("5", hint: .kerberos).entries.isEmpty)
    }

    @Test("NTSTATUS extended errors of KDC_ERR_BADOPTION")
    func ntstatus() throws {
        for (code, symbol) in [
            ("0xC00000BB", "STATUS_NOT_SUPPORTED"), ("0xC0000272", "STATUS_NO_MATCH"),
            ("0xC0000225", "STATUS_NOT_FOUND"),
            ("0xC000006E", "STATUS_ACCOUNT_RESTRICTION"), ("c0000272", "STATUS_NO_MATCH"),
        ] {
            let entry = try #require(try ErrorCatalogue.explain(code).entries.first)
            #expect(entry.symbol == symbol)
            #expect(entry.kind == .ntstatus)
        }
    }

    @Test("certutil failure fragments explain their first code")
    func certutilFragment() throws {
        let explanation = try ErrorCatalogue.explain("0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)")
        #expect(explanation.entries.map(\.symbol) == ["E_ACCESSDENIED"])
    }

    @Test(
        "a whole log line: its first code (hex first, then a symbol, then a negative decimal)",
        arguments: [
            ("CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)", "ERROR_FILE_NOT_FOUND"),
            ("Exception from HRESULT: 0x803D0013", "WS_E_ENDPOINT_FAULT_RECEIVED"),
            ("KRB_AP_ERR_SKEW(Clock skew too great)", "KRB_AP_ERR_SKEW"),
            ("enrollment failed with ERROR_ACCESS_DENIED on ces01", "E_ACCESSDENIED"),
            ("error code -2143485933 returned", "WS_E_ENDPOINT_FAULT_RECEIVED"),
            ("error_access_denied", "E_ACCESSDENIED"),
        ])
    func logLine(line: String, symbol: String) throws {
        #expect(try ErrorCatalogue.explain(line).entries.first?.symbol == symbol)
    }

    @Test("§8.4 pitfall: the 0x804D… facility printed by Microsoft's page is not WS_E_*")
    func wrongFacility() throws {
        let explanation = try ErrorCatalogue.explain("0x804D0013")
        #expect(!explanation.isKnown)
        #expect(explanation.normalized == [0x804D_0013])
        #expect(try ErrorCatalogue.explain("WS_E_ENDPOINT_FAULT_RECEIVED").entries.first?.hex == "0x803D0013")
    }

    @Test("valid but unknown codes are not errors; garbage is", arguments: ["0x80001234", "2147483649"])
    func unknownCodes(input: String) throws {
        #expect(!(try ErrorCatalogue.explain(input)).isKnown)
    }

    @Test(
        "unrecognised input is a typed error",
        arguments: [
            "", "   ", "hello", "0x", "0x1234567890", "-", "-99999999999", "WIN32:", "12345678901234", "0xZZ",
            "CertUtil: -getreg command FAILED", "a line with 0x1234567890 and -99999999999 only",
        ])
    func garbage(input: String) {
        #expect(throws: ErrorCodeParseError.self) { try ErrorCatalogue.explain(input) }
    }

    @Test("Kdcsvc events of the 2026 RC4 changes point at CES-C9")
    func kdcEvents() throws {
        for input in ["Kdcsvc 205", "KDCSVC event 205", "kdcsvc:205", "Kdcsvc Event ID 205"] {
            let explanation = try ErrorCatalogue.explain(input)
            #expect(explanation.entries.map(\.symbol) == ["KDCSVC 205"], "\(input)")
            #expect(explanation.entries.first?.kind == .kdcEvent)
            #expect(explanation.entries.first?.message.contains("DefaultDomainSupportedEncTypes") == true)
        }
        for id in 201...209 {
            let entry = try #require(try ErrorCatalogue.explain("Kdcsvc \(id)").entries.first, "Kdcsvc \(id)")
            #expect(entry.ruleIDs == ["CES-C9"], "Kdcsvc \(id)")
        }
        for id in [200, 210] {
            #expect(!(try ErrorCatalogue.explain("Kdcsvc \(id)")).isKnown, "Kdcsvc \(id) is outside the series")
        }
        // an event ID is no HRESULT or Win32 code
        #expect(!(try ErrorCatalogue.explain("205")).entries.contains { $0.kind == .kdcEvent })
        let nosupp = try #require(try ErrorCatalogue.explain("KDC_ERR_ETYPE_NOSUPP").entries.first)
        #expect(nosupp.ruleIDs == ["CES-C9"])
        #expect(nosupp.message.contains("KB5073381"))
    }

    /// Each audit warning, its enforcement error, what the event says of the service account and the client.
    @Test(arguments: [
        (201, "Audit warning", 203, "has no msDS-SupportedEncryptionTypes", "client advertises only insecure"),
        (202, "Audit warning", 204, "has no msDS-SupportedEncryptionTypes", "only insecure keys"),
        (203, "Enforcement error", 201, "has no msDS-SupportedEncryptionTypes", "client advertises only insecure"),
        (204, "Enforcement error", 202, "has no msDS-SupportedEncryptionTypes", "only insecure keys"),
        (206, "Audit warning", 208, "allows only AES-SHA1", "client does not advertise AES-SHA1"),
        (207, "Audit warning", 209, "allows only AES-SHA1", "account has no AES-SHA1 keys"),
        (208, "Enforcement error", 206, "allows only AES-SHA1", "client does not advertise AES-SHA1"),
        (209, "Enforcement error", 207, "allows only AES-SHA1", "account has no AES-SHA1 keys"),
    ])
    func kdcEventMeaning(id: Int, phase: String, counterpart: Int, serviceSetting: String, condition: String) throws {
        let entry = try #require(try ErrorCatalogue.explain("Kdcsvc \(id)").entries.first)
        #expect(entry.message.hasPrefix(phase + ":"))
        #expect(entry.message.contains("Kdcsvc \(counterpart)"))
        #expect(entry.message.contains(serviceSetting))
        #expect(entry.message.contains(condition))
        // a client offering only RC4 is fixed on the client, missing AES keys by a password reset
        let fix = entry.likelyCauses.joined(separator: " ")
        if condition.contains("client") {
            #expect(fix.contains("enable AES on it") && !fix.contains("Reset the password"))
        } else {
            #expect(fix.contains("Reset the password") && fix.contains("application pool identity"))
        }
    }

    @Test("symbols and codes are unique within their namespace")
    func unique() {
        let keys = ErrorCatalogue.entries.map { "\($0.kind)-\($0.code)" }
        #expect(Set(keys).count == keys.count)
        let symbols = ErrorCatalogue.entries.map(\.symbol)
        #expect(Set(symbols).count == symbols.count)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension String {
    /// `0X803D0013` → `0x803D0013`.
    fileprivate func replacingOccurrences0x() -> String { hasPrefix("0X") ? "0x" + dropFirst(2) : self }
}
