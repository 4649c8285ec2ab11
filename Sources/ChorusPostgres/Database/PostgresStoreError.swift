import Foundation
import PostgresNIO

/// What went wrong with the PostgreSQL store, in words a user can act on.
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable {
    case badURL(String, String)
    /// The database was not reachable for the whole retry window.
    case unreachable(PostgresURL, String)
    /// The database's schema was written by a newer Chorus.
    case newerSchema(found: Int, known: Int)
    /// The server answered with an error (SQLSTATE and message).
    case server(code: String, message: String)
    /// A statement got no answer in time: its connection went away without saying so.
    case noAnswer(after: Duration)

    public var description: String {
        switch self {
        case .badURL(let url, let why):
            // The URL may hold a password: show only its scheme and host part.
            let shown = url.split(separator: "@").last.map(String.init) ?? "the URL"
            return "bad PostgreSQL URL (…@\(shown)): \(why)"
        case .unreachable(let url, let why): return "cannot reach PostgreSQL at \(url): \(why)"
        case .newerSchema(let found, let known):
            return "the database's schema is version \(found), newer than this chorus knows (\(known)): upgrade chorus, or use another database"
        case .server(let code, let message): return "PostgreSQL error \(code): \(message)"
        case .noAnswer(let limit): return "PostgreSQL did not answer a statement within \(limit)"
        }
    }

    /// The error as a store error: server errors keep their SQLSTATE and message.
    static func from(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        if let code = psql.serverInfo?[.sqlState] {
            return PostgresStoreError.server(code: code, message: psql.serverInfo?[.message] ?? "\(psql.code)")
        }
        return error
    }

    /// True for errors that say the connection, not the statement, failed: worth retrying.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection: return true
            case .server:
                // 57P01..03: the server is shutting down or restarting; 08xxx: connection exceptions.
                let state = psql.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        if case .noAnswer? = error as? PostgresStoreError { return true }
        return error is ChannelError || error is IOError
    }
}
