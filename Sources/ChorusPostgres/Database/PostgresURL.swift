import Foundation

/// Where the database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`
/// (`postgresql://` too). `schema` keeps Chorus's tables in a schema of their own.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// The schema Chorus's tables live in (`public` unless the URL names one).
    public var schema: String

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw PostgresStoreError.badURL(text, "it must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError.badURL(text, "it names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresStoreError.badURL(text, "it names no user (postgres://USER@HOST/…)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw PostgresStoreError.badURL(text, "it names no database (…/DATABASE)") }
        let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value ?? "public"
        guard Self.isPlainName(schema) else {
            throw PostgresStoreError.badURL(text, "schema must be letters, digits and underscores, starting with a letter")
        }
        for item in components.queryItems ?? [] where item.name != "schema" {
            throw PostgresStoreError.badURL(text, "unknown parameter \(item.name) (only schema is read)")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.schema = schema
    }

    /// True for a URL this type reads (the store chooses SQLite otherwise).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return name.count <= 63 && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema == "public" ? "" : "?schema=\(schema)")
    }
}
