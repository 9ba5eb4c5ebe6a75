/// An attribute description with a range option, as AD returns large multi-valued attributes:
/// `member;range=0-1499` (more to come) or `member;range=1500-*` (the last chunk).
public struct AttributeRange: Equatable, Sendable {
    public let attribute: String
    public let low: Int
    /// nil when the server marked this the final chunk (`*`).
    public let high: Int?

    public init?(parsing description: String) {
        let parts = description.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        var range: Substring?
        var rest: [Substring] = [parts[0]]
        for option in parts.dropFirst() {
            if option.lowercased().hasPrefix("range=") {
                range = option.dropFirst("range=".count)
            } else {
                rest.append(option)
            }
        }
        guard let range, let dash = range.firstIndex(of: "-"), let low = Int(range[..<dash]) else { return nil }
        let highText = range[range.index(after: dash)...]
        if highText == "*" {
            high = nil
        } else {
            guard let value = Int(highText), value >= low else { return nil }
            high = value
        }
        self.low = low
        attribute = rest.joined(separator: ";")
    }

    /// The description that asks for the next chunk, or nil after the last one.
    public var nextRequest: String? { high.map { "\(attribute);range=\($0 + 1)-*" } }
}
