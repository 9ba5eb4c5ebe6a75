import ADModel
import Foundation
import Synchronization

/// Values parsed once per run from the bytes AD returned. A scan judges the same few template and
/// enrollment-service descriptors for every account (B2, B5 and the template filter), and F6/F6b the same CA
/// certificate for every template; parsing them anew each time was a tenth of a scan's CPU time. Keyed by the
/// bytes, so a value that differs is never mistaken for a cached one; failures are remembered too.
final class ParseCache<Value: Sendable, Failure: Error>: Sendable {
    private let parsed = Mutex<[Data: Result<Value, Failure>]>([:])
    private let parse: @Sendable ([UInt8]) throws(Failure) -> Value
    /// Templates and CAs number in the dozens; beyond this, values are parsed without being kept.
    private let capacity = 1024

    init(_ parse: @escaping @Sendable ([UInt8]) throws(Failure) -> Value) { self.parse = parse }

    func value(_ bytes: Data) throws(Failure) -> Value {
        if let known = parsed.withLock({ $0[bytes] }) { return try known.get() }
        let result: Result<Value, Failure>
        do {
            result = .success(try parse(Array(bytes)))
        } catch {
            result = .failure(error)
        }
        parsed.withLock { if $0.count < capacity { $0[bytes] = result } }
        return try result.get()
    }
}

enum DescriptorCache {
    private static let cache = ParseCache { bytes throws(BinaryFormatError) in
        try SecurityDescriptor(selfRelative: bytes)
    }

    static func descriptor(_ bytes: Data) throws(BinaryFormatError) -> SecurityDescriptor { try cache.value(bytes) }
}

enum CACertificateCache {
    private static let cache = ParseCache { bytes throws(CACertificateError) in try CACertificate(bytes: bytes) }

    static func certificate(_ bytes: Data) throws(CACertificateError) -> CACertificate { try cache.value(bytes) }
}
