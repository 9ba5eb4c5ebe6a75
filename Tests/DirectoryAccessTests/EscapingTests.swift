import Testing

@testable import DirectoryAccess

@Suite struct FilterEscapingTests {
    @Test(arguments: [
        ("alice", "alice"),
        ("*", "\\2a"),
        ("a*)(uid=*", "a\\2a\\29\\28uid=\\2a"),
        ("back\\slash", "back\\5cslash"),
        ("nul\u{0}byte", "nul\\00byte"),
        ("José Müller", "José Müller"),
        ("(|(objectClass=*))", "\\28|\\28objectClass=\\2a\\29\\29"),
    ])
    func escapesFilterValues(input: String, expected: String) {
        #expect(LDAPFilter.escape(input) == expected)
    }

    @Test func escapedValueCannotWidenAFilter() {
        let filter = LDAPFilter.equals("sAMAccountName", "*)(objectClass=*")
        #expect(filter == "(sAMAccountName=\\2a\\29\\28objectClass=\\2a)")
        // One opening and one closing parenthesis: the value stayed a value.
        #expect(filter.filter { $0 == "(" }.count == 1)
        #expect(filter.filter { $0 == ")" }.count == 1)
    }

    @Test func escapesBytes() {
        #expect(LDAPFilter.escape(bytes: [0x01, 0x05, 0xff]) == "\\01\\05\\ff")
    }

    @Test func combinesFilters() {
        #expect(LDAPFilter.and(["(a=1)"]) == "(a=1)")
        #expect(LDAPFilter.and(["(a=1)", "(b=2)"]) == "(&(a=1)(b=2))")
        #expect(LDAPFilter.or(["(a=1)", "(b=2)"]) == "(|(a=1)(b=2))")
    }
}

@Suite struct DistinguishedNameEscapingTests {
    @Test(arguments: [
        ("Smith, John", "Smith\\, John"),
        ("a+b", "a\\+b"),
        ("#hash", "\\#hash"),
        ("mid#hash", "mid#hash"),
        (" lead", "\\ lead"),
        ("trail ", "trail\\ "),
        ("q\"<>;=\\", "q\\\"\\<\\>\\;\\=\\\\"),
        ("nul\u{0}", "nul\\00"),
        ("Müller", "Müller"),
    ])
    func escapesValues(input: String, expected: String) {
        #expect(DistinguishedName.escapeValue(input) == expected)
    }

    @Test func buildsRDN() {
        #expect(DistinguishedName.rdn("CN", "Smith, John") == "CN=Smith\\, John")
    }
}
