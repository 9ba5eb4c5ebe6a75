/// A datum as collected: its value, or why it could not be read. Rules that need an uncollected datum
/// report `unknown` with that reason — never `pass`.
public enum Collected<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    case value(Value)
    case missing(reason: String)

    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var missingReason: String? {
        if case .missing(let reason) = self { return reason }
        return nil
    }
}
