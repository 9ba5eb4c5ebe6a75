import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on a loopback port that forwards every connection to a target (the test bed DC's LDAP or LDAPS
/// port) and injects faults: it can cut every connection once the server has sent N bytes through it (a DC
/// that dies in the middle of a paged search), delay each chunk the server sends (a slow DC), or refuse
/// connections. TLS passes through untouched, so the client still verifies the DC's certificate.
///
/// Plain POSIX sockets and one thread per direction: the relay must keep working while the test's own
/// process blocks in libldap.
public final class TCPRelay: Sendable {
    public let port: Int
    /// `ldap://` / `ldaps://` URI text for the relay's address and port.
    public let host: String
    private let listener: Int32
    private let target: sockaddr_in
    private let state = Mutex(State())

    private struct State {
        var open: [Int32] = []
        var serverBytes = 0
        var cutAfter: Int?
        var delay: Double = 0
        var refusing = false
        var dropping = 0
        var stopped = false
        var connections = 0
        var cuts = 0
    }

    /// Listens on `listenHost` (any loopback address) at `listenPort` (0: any free port) and forwards to
    /// `targetHost:targetPort`.
    public init(listenHost: String = "127.0.0.1", listenPort: Int = 0, targetHost: String, targetPort: Int) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(targetHost)
        address.sin_port = in_port_t(UInt16(targetPort).bigEndian)
        target = address

        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError(description: "relay: socket() failed") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(listenHost)
        local.sin_port = in_port_t(UInt16(listenPort).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard ready else {
            close(descriptor)
            throw TestSetupError(description: "relay: bind/listen on \(listenHost) failed")
        }
        listener = descriptor
        host = listenHost
        port = Int(UInt16(bigEndian: local.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    // MARK: Faults

    /// Cuts every connection (and refuses new ones) once the server has sent `bytes` more bytes through the
    /// relay, counted from now.
    public func cutAfter(serverBytes bytes: Int) {
        state.withLock {
            $0.cutAfter = $0.serverBytes + bytes
        }
    }

    /// Accepts the next `count` connections, reads the client's first bytes (a TLS ClientHello) and closes them:
    /// a handshake reset by a busy DC.
    public func dropNext(_ count: Int) { state.withLock { $0.dropping = count } }

    /// Waits this long before forwarding each chunk the server sends.
    public func delay(seconds: Double) { state.withLock { $0.delay = seconds } }

    /// Cuts every open connection now and refuses new ones (the DC died).
    public func cutAll() {
        state.withLock { state in
            state.refusing = true
            state.cuts += 1
            // Under the lock: a connection's sockets leave `open` before they are closed, so a descriptor shut
            // down here is still ours, never a number the kernel has handed to another test's connection.
            for socket in state.open { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    /// Stops listening and cuts every connection.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            if !state.stopped {
                for socket in state.open { shutdown(socket, Int32(SHUT_RDWR)) }
            }
            return !state.stopped
        }
        guard first else { return }
        // Only shut down here: the accept loop closes the listener when accept() fails, so no other thread can
        // call accept() on a descriptor number that has been reused by then.
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Bytes the server sent through the relay so far.
    public var serverBytes: Int { state.withLock { $0.serverBytes } }
    /// Connections accepted so far.
    public var connections: Int { state.withLock { $0.connections } }
    /// Whether the relay has cut its connections (by `cutAfter` or `cutAll`).
    public var hasCut: Bool { state.withLock { $0.cuts > 0 } }

    // MARK: Forwarding

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)  // shut down by stop()
                return
            }
            let (refuse, drop) = state.withLock { state -> (Bool, Bool) in
                if state.refusing || state.stopped { return (true, false) }
                state.connections += 1
                guard state.dropping > 0 else { return (false, false) }
                state.dropping -= 1
                return (false, true)
            }
            if refuse {
                close(client)
                continue
            }
            if drop {
                var hello = [UInt8](repeating: 0, count: 4096)
                _ = hello.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                close(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = target
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard server >= 0, connected else {
                if server >= 0 { close(server) }
                close(client)
                continue
            }
            state.withLock { $0.open += [client, server] }
            let halves = HalfCounter()
            let finish: @Sendable () -> Void = { [self] in
                guard halves.finishOne() else { return }
                state.withLock { $0.open.removeAll { $0 == client || $0 == server } }
                close(client)
                close(server)
            }
            Thread { [self] in
                pump(from: client, to: server, fromServer: false)
                finish()
            }.start()
            Thread { [self] in
                pump(from: server, to: client, fromServer: true)
                finish()
            }.start()
        }
    }

    private func pump(from source: Int32, to destination: Int32, fromServer: Bool) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var chunk = count
            if fromServer {
                let (delay, cut) = state.withLock { state -> (Double, Bool) in
                    var cut = false
                    if let limit = state.cutAfter, state.serverBytes + count >= limit {
                        chunk = max(0, limit - state.serverBytes)
                        cut = true
                    }
                    state.serverBytes += chunk
                    return (state.delay, cut)
                }
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                if chunk > 0 && !writeAll(destination, buffer, chunk) { break }
                if cut {
                    cutAll()
                    break
                }
            } else if !writeAll(destination, buffer, chunk) {
                break
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
    }

    private func writeAll(_ descriptor: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = buffer.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

/// Counts the two directions of one relayed connection; the second to end closes both sockets.
private final class HalfCounter: Sendable {
    private let ended = Mutex(0)
    /// True for the second caller.
    func finishOne() -> Bool {
        ended.withLock { count -> Bool in
            count += 1
            return count == 2
        }
    }
}
