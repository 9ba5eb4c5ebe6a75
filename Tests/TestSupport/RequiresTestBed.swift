import Testing

extension Trait where Self == ConditionTrait {
    /// An integration suite: runs against the test bed; without it, skips locally with the reason and fails in CI
    /// (`TestBedEnvironment.shouldRun`).
    public static var requiresTestBed: Self {
        .enabled(if: TestBedEnvironment.shouldRun, Comment(rawValue: TestBedEnvironment.skipReason))
    }
}
