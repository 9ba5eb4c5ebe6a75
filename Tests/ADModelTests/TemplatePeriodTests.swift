import ADModel
import Testing

@Suite("Template periods (pKIExpirationPeriod / pKIOverlapPeriod)")
struct TemplatePeriodTests {
    @Test(
        "known attribute values",
        arguments: [
            // 1 year (365 days) and 6 weeks, as the default User template stores them.
            ([0x00, 0x40, 0x39, 0x87, 0x2E, 0xE1, 0xFE, 0xFF], 365),
            ([0x00, 0x80, 0xA6, 0x0A, 0xFF, 0xDE, 0xFF, 0xFF], 42),
            ([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], 0),
        ] as [([UInt8], UInt64)])
    func known(bytes: [UInt8], days: UInt64) throws {
        let period = try TemplatePeriod(attributeValue: bytes)
        #expect(period.days == days)
        #expect(period.attributeValue == bytes)
        #expect(TemplatePeriod(days: UInt32(days)) == period)
    }

    @Test("malformed values are typed errors")
    func malformed() {
        #expect(throws: BinaryFormatError.self) { try TemplatePeriod(attributeValue: []) }
        #expect(throws: BinaryFormatError.self) { try TemplatePeriod(attributeValue: [0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: BinaryFormatError.self) { try TemplatePeriod(attributeValue: [1, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: BinaryFormatError.self) { try TemplatePeriod(attributeValue: [0, 0, 0, 0, 0, 0, 0, 0, 0]) }
        // Int64.min is a valid (huge) interval: no overflow trap.
        #expect((try? TemplatePeriod(attributeValue: [0, 0, 0, 0, 0, 0, 0, 0x80]))?.ticks == 1 << 63)
    }

    @Test("autoenrollment minimums (CES-E6)")
    func minimums() {
        #expect(TemplatePeriod.autoenrollmentProblems(validity: .init(days: 365), renewal: .init(days: 42)).isEmpty)
        #expect(TemplatePeriod.autoenrollmentProblems(validity: .init(days: 4), renewal: .init(days: 1)).count == 1)
        #expect(
            TemplatePeriod.autoenrollmentProblems(validity: .init(days: 5), renewal: .init(ticks: 36_000_000_000)).count
                == 1)
        #expect(TemplatePeriod.autoenrollmentProblems(validity: .init(days: 7), renewal: .init(days: 14)).count == 1)
    }
}
