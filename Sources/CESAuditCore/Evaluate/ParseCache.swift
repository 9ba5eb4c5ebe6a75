import ADModel
import Foundation
import Synchronization

/// Security descriptors parsed once per run. A scan judges the same few template and enrollment-service
/// descriptors for every account (B2, B5 and the template filter); parsing them anew each time was a tenth of
/// its CPU time. Keyed by the bytes, so a descriptor that differs is never mistaken for a cached one.
enum DescriptorCache {
    private static let parsed = Mutex<[Data: Result<SecurityDescriptor, BinaryFormatError>]>([:])
    /// Templates and CAs number in the dozens; beyond this, descriptors are parsed without being kept.
    private static let capacity = 1024

    static func descriptor(_ bytes: Data) throws(BinaryFormatError) -> SecurityDescriptor {
        if let known = parsed.withLock({ $0[bytes] }) { return try known.get() }
        let result: Result<SecurityDescriptor, BinaryFormatError>
        do {
            result = .success(try SecurityDescriptor(selfRelative: Array(bytes)))
        } catch {
            result = .failure(error)
        }
        parsed.withLock { if $0.count < capacity { $0[bytes] = result } }
        return try result.get()
    }
}
