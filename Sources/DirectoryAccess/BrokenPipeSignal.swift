import Foundation

/// libldap and libkrb5 write requests with write(2)/writev(2). When the peer has already closed the connection, that
/// raises SIGPIPE, whose default action ends the whole process without a word. With the signal ignored the write
/// fails with EPIPE and becomes a typed error ("server down") instead. Done once per process, before the first
/// connection: a library cannot pass MSG_NOSIGNAL to writes it does not make.
enum BrokenPipeSignal {
    private static let ignored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    static func ignore() { Self.ignored }
}
