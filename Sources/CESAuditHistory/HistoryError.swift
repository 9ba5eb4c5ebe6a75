import Foundation
import GRDB

/// Why the history database could not be used, in one line naming the file.
public enum HistoryError: Error, Equatable, CustomStringConvertible {
    /// The file exists but is not an SQLite database, or SQLite found it damaged.
    case corrupt(path: String, detail: String)
    /// An SQLite database, but not one ces-audit created (other tables, another application ID).
    case notCESAuditDatabase(path: String)
    /// Written by a newer ces-audit whose schema this version does not know.
    case newerSchema(path: String)
    /// The file or its directory is not readable or writable for this user.
    case permissionDenied(path: String, detail: String)
    /// The file cannot be opened or created (e.g. the directory does not exist).
    case cannotOpen(path: String, detail: String)
    /// Any other SQLite failure.
    case database(path: String, detail: String)

    /// One line: the file and what is wrong with it.
    public var description: String {
        switch self {
        case .corrupt(let path, let detail):
            "history database \(path) is damaged or not an SQLite file (\(detail)); move it away to start a new history"
        case .notCESAuditDatabase(let path):
            "\(path) is an SQLite database but not a ces-audit history; choose another --history path"
        case .newerSchema(let path):
            "history database \(path) was written by a newer ces-audit; upgrade ces-audit to use it"
        case .permissionDenied(let path, let detail):
            "history database \(path): permission denied (\(detail))"
        case .cannotOpen(let path, let detail):
            "cannot open history database \(path) (\(detail))"
        case .database(let path, let detail):
            "history database \(path): \(detail)"
        }
    }

    /// Maps an SQLite error to the case a user can act on.
    static func from(_ error: any Error, path: String) -> HistoryError {
        if let error = error as? HistoryError { return error }
        guard let error = error as? DatabaseError else { return .database(path: path, detail: "\(error)") }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(path: path, detail: detail)
        case .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH: return .permissionDenied(path: path, detail: detail)
        case .SQLITE_CANTOPEN:
            // SQLite reports a missing directory and an unreadable file alike; errno tells them apart.
            if access(path, F_OK) == 0 && access(path, R_OK | W_OK) != 0 {
                return .permissionDenied(path: path, detail: detail)
            }
            return .cannotOpen(path: path, detail: detail)
        default: return .database(path: path, detail: detail)
        }
    }
}
