import CESAuditCore
import Testing

/// The account forms Windows users type, as the names looked up (pure; the test bed run is in JobCommandTests).
@Suite struct AccountNameTests {
    @Test func downLevelLogonNameIsTheSAMAccountName() {
        let name = AccountName(#"CORP\bob"#, dnsDomain: "corp.example.test")
        #expect(name.samAccountNames == ["bob", "bob$"])
        #expect(name.userPrincipalName == nil && name.dn == nil)
    }

    @Test func aUPNInTheDomainIsAlsoTheImplicitUPN() {
        let inDomain = AccountName("Bob@Corp.Example.Test", dnsDomain: "corp.example.test")
        #expect(inDomain.userPrincipalName == "Bob@Corp.Example.Test")
        #expect(inDomain.samAccountNames == ["Bob"])
        let elsewhere = AccountName("bob@example.com", dnsDomain: "corp.example.test")
        #expect(elsewhere.samAccountNames.isEmpty)
        #expect(elsewhere.rank(samAccountName: "bob", userPrincipalName: "bob@example.com", dn: "CN=bob") == 0)
        #expect(elsewhere.rank(samAccountName: "bob", userPrincipalName: nil, dn: "CN=bob") == nil)
    }

    @Test func aUPNMayHoldABackslash() {
        let name = AccountName(#"back\slash@corp.example.test"#, dnsDomain: "corp.example.test")
        #expect(name.userPrincipalName == #"back\slash@corp.example.test"#)
        #expect(name.samAccountNames == [#"back\slash"#])
    }

    @Test func aComputerMayBeTypedWithoutItsDollar() {
        let name = AccountName("WKS01", dnsDomain: nil)
        #expect(name.samAccountNames == ["WKS01", "WKS01$"])
        // A user called WKS01 wins over the computer WKS01$.
        #expect(name.rank(samAccountName: "wks01$", userPrincipalName: nil, dn: "CN=WKS01") == 2)
        #expect(name.rank(samAccountName: "WKS01", userPrincipalName: nil, dn: "CN=WKS01,OU=x") == 1)
        #expect(AccountName("WKS01$", dnsDomain: nil).samAccountNames == ["WKS01$"])
    }

    @Test func aDNIsReadAsIs() {
        let name = AccountName("CN=bob,CN=Users,DC=corp", dnsDomain: "corp")
        #expect(name.dn == "CN=bob,CN=Users,DC=corp")
        #expect(name.rank(samAccountName: "bob", userPrincipalName: nil, dn: "cn=bob,cn=users,dc=corp") == 0)
    }

    @Test func theDNSDomainOfANamingContext() {
        #expect(AccountName.dnsDomain(ofNamingContext: "DC=corp,DC=example,DC=test") == "corp.example.test")
        #expect(AccountName.dnsDomain(ofNamingContext: "dc=corp, dc=example") == "corp.example")
        #expect(AccountName.dnsDomain(ofNamingContext: "CN=Configuration") == nil)
    }
}
