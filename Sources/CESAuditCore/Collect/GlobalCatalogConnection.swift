import DirectoryAccess
import Synchronization

/// The forest's global catalog of the bound DC (`LDAPURI.globalCatalog`: same host and credentials, port 3268 or
/// 3269), connected once per collector. A job starts it as soon as the domain connection is up
/// (`SnapshotCollector.connectGlobalCatalogAhead()`), so its TLS handshake and bind run while the domain is read
/// instead of after; otherwise it is connected when first searched.
final class GlobalCatalogConnection: Sendable {
    enum Outcome: Sendable {
        case connected(DirectoryConnection, uri: LDAPURI)
        /// Why the forest was not searched, in the words of a finding's missing reason.
        case failed(String)
    }

    /// The domain connection whose URI and settings the catalog's connection takes.
    private let directory: DirectoryConnection
    private let connecting = Mutex<Task<Outcome, Never>?>(nil)

    init(of directory: DirectoryConnection) { self.directory = directory }

    /// The connection (or why there is none), connecting now unless already started.
    var outcome: Outcome { get async { await task().value } }

    func start() { _ = task() }

    private func task() -> Task<Outcome, Never> {
        connecting.withLock { slot in
            if let slot { return slot }
            let directory = directory
            let task = Task { await Self.connect(from: directory) }
            slot = task
            return task
        }
    }

    private static func connect(from directory: DirectoryConnection) async -> Outcome {
        guard let bound = await directory.session?.uri, let uri = try? LDAPURI(parsing: bound) else {
            return .failed("the forest's global catalog was not searched: no bound LDAP URI to derive it from")
        }
        var configuration = directory.configuration
        configuration.uris = [uri.globalCatalog]
        do {
            return .connected(try await DirectoryConnection.connect(configuration), uri: uri.globalCatalog)
        } catch {
            return .failed("the forest's global catalog \(uri.globalCatalog) could not be searched: \(error)")
        }
    }
}
