import ChorusGraph
import ChorusSupport
import Foundation
import Logging
import PostgresNIO

/// A PostgreSQL database holding Chorus's tables: a bounded connection pool,
/// the schema's migrations, retries of statements whose connection was lost,
/// and LISTEN/NOTIFY. Only this target speaks SQL to PostgreSQL.
public final class PostgresDatabase: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// How often a statement whose connection broke is tried again, and the waits in between.
    static let retryDelays: [Duration] = [.milliseconds(100), .milliseconds(400), .seconds(1), .seconds(2), .seconds(4)]
    /// How long one try of a statement may go unanswered before it counts as
    /// lost. A statement in flight when the server restarts can otherwise wait
    /// forever: seen in the restart test, where it stalled a run for good.
    static let statementDeadline = Duration.seconds(20)

    /// Connects (waiting at most `connectTimeout` for the first connection),
    /// then brings the schema up to date; refuses a schema newer than this build's.
    public static func open(_ url: PostgresURL, maxConnections: Int = 20, connectTimeout: Duration = .seconds(10),
                            logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresDatabase {
        let database = PostgresDatabase(url: url, maxConnections: maxConnections, logger: logger)
        do {
            try await database.checkReachable(within: connectTimeout)
            try await PostgresMigrations.migrate(database)
        } catch {
            // Not awaited: a pool still trying to connect may take seconds to stop.
            database.runner.cancel()
            throw error
        }
        return database
    }

    private init(url: PostgresURL, maxConnections: Int, logger: Logger) {
        var configuration = PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                         database: url.database, tls: .disable)
        configuration.options.maximumConnections = max(2, maxConnections)
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = .seconds(5)
        if url.schema != "public" { configuration.options.additionalStartupParameters = [("search_path", url.schema)] }
        self.url = url
        self.logger = logger
        // The pool logs every failed connection attempt at info; a caller sees what matters as errors.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Closes every connection; statements still waiting fail.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Answers within `limit`, whatever the pool does meanwhile: it waits for
    /// connections that do not come for up to a minute before it gives up.
    private func checkReachable(within limit: Duration) async throws {
        let url = self.url, client = self.client
        do {
            try await Self.answered(within: limit) {
                if url.schema != "public" {
                    do {
                        try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(url.schema)"))
                    } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                        // Another instance created it at the same moment.
                    }
                } else {
                    try await client.query("SELECT 1")
                }
            }
        } catch PostgresStoreError.noAnswer {
            throw PostgresStoreError.unreachable(url, "no connection within \(limit) (is the server running, and does the user exist?)")
        } catch {
            throw PostgresStoreError.unreachable(url, Self.describe(error))
        }
    }

    // MARK: statements

    /// Runs a statement and returns its rows; a lost connection is retried with backoff.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let client = self.client, logger = self.logger
        return try await retrying { try await client.query(query, logger: logger).collect() }
    }

    /// Runs a statement and decodes its rows.
    func rows<T>(_ query: PostgresQuery, as decode: (PostgresRow) throws -> T) async throws -> [T] {
        try Self.decodeAll(try await rows(query), decode)
    }

    private static func decodeAll<T>(_ rows: [PostgresRow], _ decode: (PostgresRow) throws -> T) throws -> [T] {
        try rows.map(decode)
    }

    /// Runs statements in one transaction (retried whole when the connection was lost).
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        let client = self.client, logger = self.logger
        return try await retrying {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(connection, logger)
                }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? error
            }
        }
    }

    /// Sends `payload` to every listener of `channel`.
    func notify(_ channel: String, _ payload: String) async throws {
        try await rows("SELECT pg_notify(\(channel), \(payload))")
    }

    private func retrying<Result: Sendable>(_ attempt: @escaping @Sendable () async throws -> Result) async throws -> Result {
        var delays = Self.retryDelays[...]
        while true {
            do {
                return try await Self.answered(within: Self.statementDeadline, attempt)
            } catch where PostgresStoreError.isConnectionLoss(error) && !Task.isCancelled {
                guard let delay = delays.popFirst() else {
                    throw PostgresStoreError.unreachable(url, "the connection was lost and could not be made again: \(Self.describe(error))")
                }
                logger.warning("postgres: connection lost, retrying in \(delay)", metadata: ["error": "\(Self.describe(error))"])
                try await Task.sleep(for: delay)
            } catch {
                throw PostgresStoreError.from(error)
            }
        }
    }

    /// `body`'s result, or `PostgresStoreError.noAnswer` once `limit` passed
    /// without one. The try given up on is cancelled; should the pool not
    /// honour that, it is left behind rather than waited for.
    static func answered<Result: Sendable>(within limit: Duration, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let work = Locked<Task<Void, Never>?>(nil), timer = Locked<Task<Void, Never>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let done = Locked(false)
                let answer: @Sendable (Swift.Result<Result, any Error>) -> Void = { result in
                    if done.withLock({ finished in defer { finished = true }; return !finished }) { continuation.resume(with: result) }
                }
                work.withLock { $0 = Task {
                    let result: Swift.Result<Result, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    timer.withLock { $0?.cancel() }
                    answer(result)
                } }
                timer.withLock { $0 = Task {
                    do { try await Task.sleep(for: limit) } catch { return }
                    work.withLock { $0?.cancel() }
                    answer(.failure(PostgresStoreError.noAnswer(after: limit)))
                } }
            }
        } onCancel: {
            work.withLock { $0?.cancel() }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    // MARK: notifications

    /// What a listener hears: a payload, or `resync` once it listens (again):
    /// notifications sent before that were not heard, so look at the tables.
    public enum Notice: Sendable, Equatable {
        case payload(String)
        case resync
    }

    /// Notifications on `channel` until the stream's consumer stops; a lost
    /// connection is made again (with backoff) and reported as `.resync`.
    func listen(_ channel: String) -> AsyncStream<Notice> {
        AsyncStream { continuation in
            let task = Task {
                var failures = 0
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: channel) { notifications in
                                // Sent before this subscription, or while it was down: unheard.
                                continuation.yield(.resync)
                                failures = 0
                                for try await notification in notifications { continuation.yield(.payload(notification.payload)) }
                            }
                        }
                    } catch {
                        if Task.isCancelled { break }
                        failures += 1
                        logger.warning("postgres: listening on \(channel) failed, again shortly", metadata: ["error": "\(Self.describe(error))"])
                    }
                    try? await Task.sleep(for: .milliseconds(min(2000, 100 * (1 << min(failures, 5)))))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
