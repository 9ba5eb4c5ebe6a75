import Foundation

/// One search result entry. Values are raw bytes; binary attributes (objectSid, nTSecurityDescriptor,
/// cACertificate) stay bytes, text attributes are read as UTF-8 through `strings(_:)`.
/// Attribute names are matched case-insensitively, as LDAP defines them.
public struct LDAPEntry: Sendable, Equatable {
    public let dn: String
    /// Keyed by the lower-cased attribute description (without any `;range=` option).
    public private(set) var attributes: [String: [Data]]
    /// The attribute names as the server spelled them, keyed like `attributes`.
    public private(set) var attributeNames: [String: String]

    public init(dn: String, attributes: [(name: String, values: [Data])] = []) {
        self.dn = dn
        self.attributes = [:]
        self.attributeNames = [:]
        for (name, values) in attributes { append(values, to: name) }
    }

    public mutating func append(_ values: [Data], to name: String) {
        let key = name.lowercased()
        attributes[key, default: []].append(contentsOf: values)
        if attributeNames[key] == nil { attributeNames[key] = name }
    }

    /// Removes an attribute (by any spelling) and returns its values.
    @discardableResult
    public mutating func removeValues(_ name: String) -> [Data] {
        let key = name.lowercased()
        attributeNames[key] = nil
        return attributes.removeValue(forKey: key) ?? []
    }

    public func values(_ name: String) -> [Data] { attributes[name.lowercased()] ?? [] }

    public func contains(_ name: String) -> Bool { attributes[name.lowercased()] != nil }

    /// Values decoded as UTF-8; a value that is not valid UTF-8 is left out rather than mangled.
    public func strings(_ name: String) -> [String] {
        values(name).compactMap { String(data: $0, encoding: .utf8) }
    }

    public func string(_ name: String) -> String? { strings(name).first }

    public func integer(_ name: String) -> Int64? { string(name).flatMap { Int64($0) } }
}
