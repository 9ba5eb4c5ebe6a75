import Testing

@testable import ADModel

/// dnsRecord values of AD-integrated DNS (MS-DNSP §2.3.2.2), read for CES-C1's CNAME aliases.
@Suite struct DNSRecordTests {
    /// What Samba's `ndr_pack(dnsp.DnssrvRpcRecord)` writes for a CNAME to ca01.corp.example.test (the test bed's).
    static let sambaCNAME = bytes(
        "1a00050005f00000010000000000038400000000000000001804046361303104636f7270076578616d706c65047465737400")

    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    @Test func cnameDecodesToTheTargetName() throws {
        let record = try DNSRecord(bytes: Self.sambaCNAME)
        #expect(record.type == DNSRecord.cnameType)
        #expect(record.canonicalName == "ca01.corp.example.test")
    }

    @Test func upperCaseLabelsAreLowerCasedAndTheTerminatorIsOptional() throws {
        // Length 7 without the terminating zero: 2 labels "CA01" and "X".
        let name: [UInt8] = [7, 2, 4] + Array("CA01".utf8) + [1] + Array("X".utf8)
        let value = [UInt8(name.count), 0] + Array(Self.sambaCNAME[2..<24]) + name
        #expect(try DNSRecord(bytes: value).canonicalName == "ca01.x")
    }

    @Test func otherTypesKeepTheirTypeAndNoName() throws {
        // An A record (type 1) for 127.0.0.33.
        var value = Self.sambaCNAME.prefix(24).map { $0 }
        value[0] = 4
        value[2] = 1
        value += [127, 0, 0, 33]
        let record = try DNSRecord(bytes: value)
        #expect(record.type == 1)
        #expect(record.canonicalName == nil)
    }

    /// Hostile or damaged values throw a reason (the collector skips them); none traps.
    @Test func truncatedAndHostileBytesThrowAReason() {
        var cases: [(String, [UInt8])] = [("empty", []), ("header only", Array(Self.sambaCNAME.prefix(24)))]
        for cut in stride(from: 1, to: Self.sambaCNAME.count, by: 3) {
            cases.append(("cut at \(cut)", Array(Self.sambaCNAME.prefix(cut))))
        }
        var wrongVersion = Self.sambaCNAME
        wrongVersion[4] = 4
        var longLabel = Self.sambaCNAME
        longLabel[26] = 200  // the first label claims 200 bytes
        var countTooHigh = Self.sambaCNAME
        countTooHigh[25] = 9  // nine labels in a name of four
        var badByte = Self.sambaCNAME
        badByte[27] = UInt8(ascii: "/")
        var noLabels = Self.sambaCNAME
        noLabels[25] = 0
        let trailing = Self.sambaCNAME + [0]
        var dataTooLong = Self.sambaCNAME
        dataTooLong[0] = 0xff
        var nameTooLong = Self.sambaCNAME
        nameTooLong[24] = 0xff
        cases += [
            ("version 4", wrongVersion), ("label longer than the name", longLabel), ("label count", countTooHigh),
            ("'/' in a label", badByte), ("no labels", noLabels), ("bytes after Data", trailing),
            ("DataLength past the value", dataTooLong), ("Length past Data", nameTooLong),
        ]
        for (what, value) in cases {
            #expect(throws: BinaryFormatError.self, "\(what)") { try DNSRecord(bytes: value) }
        }
        do {
            _ = try DNSRecord(bytes: wrongVersion)
            Issue.record("version 4 accepted")
        } catch { #expect(error.description == "unsupported dnsRecord revision 4 at offset 4") }
    }
}
