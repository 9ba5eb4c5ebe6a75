import Dispatch
import Foundation
import Synchronization

/// Cuts a connection whose blocking operation outlives its deadline.
///
/// The connect callback reports the socket; `arm` starts a deadline before a blocking call and `disarm`
/// ends it. If the deadline passes first, the socket is shut down (not closed: libldap still owns the
/// descriptor), so the blocked read returns and libldap reports an error.
final class SocketWatchdog: Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var generation = 0
        var armed = false
        var fired = false
        var connections = 0
    }
    private let state = Mutex(State())

    /// Its own (overcommitting) queue: the global queue runs at most one thread per core when busy, and with
    /// blocking LDAP calls occupying those a deadline fired 30 s late in the test suite.
    private static let timers = DispatchQueue(label: "ces-audit.socket-watchdog")

    func socketOpened(_ descriptor: Int32) {
        state.withLock {
            $0.descriptor = descriptor
            $0.connections += 1
        }
    }

    /// Whether a TCP connection was ever established: tells a TLS failure from an unreachable server.
    var hasConnected: Bool { state.withLock { $0.connections > 0 } }

    func socketClosed() { state.withLock { $0.descriptor = -1 } }

    func arm(after seconds: Double) {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.armed = true
            state.fired = false
            return state.generation
        }
        Self.timers.asyncAfter(deadline: .now() + seconds) { [self] in
            state.withLock { state in
                guard state.armed, state.generation == generation, state.descriptor >= 0 else { return }
                state.fired = true
                _ = shutdown(state.descriptor, Int32(SHUT_RDWR))
            }
        }
    }

    /// Ends the deadline; true when it had already fired.
    func disarm() -> Bool {
        state.withLock { state in
            state.armed = false
            return state.fired
        }
    }
}
