import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that accepts connections (through the kernel backlog) but never answers:
/// the shape of a hung server, for timeout tests.
public final class SilentListener {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard ready else {
            close(descriptor)
            throw TestSetupError(description: "bind/listen on 127.0.0.1 failed")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

/// A loopback port nobody listens on (bound, then released).
public func closedPort() throws -> Int { try SilentListener().port }

/// A TCP listener on a chosen address and port (e.g. 127.0.5.3:445) that accepts every connection, keeps what
/// the client sends and never answers: a host that takes SMB connections and then stays silent.
public final class SilentRecordingListener: @unchecked Sendable {
    public let address: String
    public let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [Data] = []
    private var clients: [Int32] = []
    private var stopped = false

    public init(address: String, port: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError(description: "socket() failed") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = UInt16(port).bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(address)
        let ready = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 && listen(descriptor, 16) == 0
            }
        }
        guard ready else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw TestSetupError(description: "bind/listen on \(address):\(port) failed: \(reason)")
        }
        self.address = address
        self.port = port
        self.descriptor = descriptor
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Every connection's bytes so far, in the order the connections came.
    public var connections: [Data] { lock.withLock { received } }

    private func acceptLoop() {
        while true {
            let client = accept(descriptor, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) {
                    close(descriptor)  // here, once: the loop is its last user
                    return
                }
                continue
            }
            let index: Int = lock.withLock {
                received.append(Data())
                clients.append(client)
                return received.count - 1
            }
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 {
                        // by its reader, once, after stop() can no longer reach it
                        lock.withLock { clients.removeAll { $0 == client } }
                        close(client)
                        return
                    }
                    lock.withLock { received[index].append(contentsOf: buffer[..<count]) }
                }
            }
        }
    }

    /// Wakes the accept loop and the readers, which close their descriptors themselves.
    public func stop() {
        let open: [Int32] = lock.withLock {
            stopped = true
            return clients
        }
        shutdown(descriptor, Int32(SHUT_RDWR))
        for client in open { shutdown(client, Int32(SHUT_RDWR)) }
    }
}
