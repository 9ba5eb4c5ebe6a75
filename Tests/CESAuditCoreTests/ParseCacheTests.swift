import ADModel
import Foundation
import Testing

@testable import CESAuditCore

@Suite struct ParseCacheTests {
    /// The cache answers what parsing answers, for each distinct byte string, and remembers failures too.
    @Test func answersWhatParsingAnswers() throws {
        let first = try SecurityDescriptor(sddl: "O:BAG:BAD:(A;;CR;;;AU)")
        let second = try SecurityDescriptor(sddl: "O:BAG:BAD:(D;;CR;;;AU)")
        let firstBytes = Data(try first.selfRelativeBytes())
        let secondBytes = Data(try second.selfRelativeBytes())
        let firstParsed = try SecurityDescriptor(selfRelative: Array(firstBytes))
        let secondParsed = try SecurityDescriptor(selfRelative: Array(secondBytes))
        #expect(firstParsed != secondParsed)
        for _ in 0..<2 {
            #expect(try DescriptorCache.descriptor(firstBytes) == firstParsed)
            #expect(try DescriptorCache.descriptor(secondBytes) == secondParsed)
        }
        let truncated = firstBytes.prefix(10)
        for _ in 0..<2 {
            #expect(throws: BinaryFormatError.self) { try DescriptorCache.descriptor(Data(truncated)) }
        }
    }

    @Test func certificatesToo() throws {
        let restricted = try MoreTemplateRulesOfflineTests.certificate("policy-restricted-ca")
        let anyPolicy = try MoreTemplateRulesOfflineTests.certificate("any-policy-ca")
        for _ in 0..<2 {
            #expect(try CACertificateCache.certificate(restricted) == CACertificate(bytes: Array(restricted)))
            #expect(try CACertificateCache.certificate(anyPolicy) == CACertificate(bytes: Array(anyPolicy)))
            #expect(throws: CACertificateError.self) { try CACertificateCache.certificate(restricted.prefix(20)) }
        }
        #expect(try CACertificateCache.certificate(restricted) != CACertificateCache.certificate(anyPolicy))
    }
}
