import ChorusGraph
import ChorusPostgres
import ChorusStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `chorus serve`: the LangGraph Server API over HTTP, on the app's store.
public enum ChorusServer {
    public static let version = "0.1.0"

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully.
    /// `onListening` gets the bound port once requests are accepted.
    public static func run(_ options: ServeOptions, logger: Logger = Logger(label: "chorus.serve"),
                           onListening: @escaping @Sendable (Int) -> Void) async throws {
        guard options.isLoopback || !(options.apiKey ?? "").isEmpty else {
            throw ServeError(description: "refusing to listen on \(options.host) without an API key: set CHORUS_SERVER_API_KEY "
                + "(clients then send it as x-api-key), or serve on 127.0.0.1")
        }
        var database: PostgresDatabase?
        let state: ServerState
        if let cluster = options.postgres {
            let opened = try await PostgresDatabase.open(try PostgresURL(cluster.url), maxConnections: cluster.maxConnections, logger: logger)
            database = opened
            state = try await makeClusterState(options, cluster: cluster, database: opened, logger: logger)
        } else {
            state = try makeState(options)
        }
        try await state.runs.start()
        defer { if let database { Task { await database.close() } } }
        let app = Application(
            router: router(state: state, apiKey: options.apiKey, logger: logger),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "chorus", backlog: 4096),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? options.port) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [app, RunLifecycleService(runs: state.runs, grace: options.shutdownGrace)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// One instance on a SQLite database: its runs queued in memory and
    /// journaled there. `retention`: what finished runs leave, kept how long.
    static func makeState(_ options: ServeOptions, retention: RunRetention = RunRetention()) throws -> ServerState {
        let database = try ChorusDatabase(path: options.databasePath)
        let store = ThreadStore(database: database)
        let (catalog, executor) = try engine(options, store: store, checkpoints: SQLiteCheckpointer(database: database))
        let journal = RunJournal(database: database) { error in
            Logger(label: "chorus.serve").error("chorus serve: could not write a run's status to the database: \(error)")
        }
        let queue = InMemoryRunQueue(board: InMemoryRunQueue.Board(retention: retention, journal: journal))
        // Alone on its queue, an instance renews its leases only to keep the one code path: none runs out.
        let runs = RunManager(queue: queue, executor: executor, catalog: catalog, lease: .seconds(30))
        return ServerState(store: store, catalog: catalog, runs: runs, bodyLimit: options.bodyLimit)
    }

    /// An instance of several on one PostgreSQL database: threads, checkpoints
    /// and runs there; this instance claims runs as any other does.
    static func makeClusterState(_ options: ServeOptions, cluster: ClusterOptions, database: PostgresDatabase,
                                 logger: Logger) async throws -> ServerState {
        let store = PostgresThreadStore(database: database)
        let checkpoints = PostgresCheckpointer(database: database)
        let (catalog, executor) = try engine(options, store: store, checkpoints: checkpoints)
        let queue = ClusterRunQueue(postgres: PostgresRunQueue(database: database, instance: cluster.instance), retention: RunRetention())
        let runs = RunManager(queue: queue, executor: executor, catalog: catalog, lease: cluster.lease, capacity: cluster.maxRuns, logger: logger)
        return ServerState(store: store, catalog: catalog, runs: runs, bodyLimit: options.bodyLimit)
    }

    /// The assistants on a store's checkpoints, and what runs their runs (with `--max-concurrency` as one budget).
    static func engine(_ options: ServeOptions, store: any ThreadRepository,
                               checkpoints: any RewindableCheckpointer) throws -> (AssistantCatalog, RunExecutor) {
        let scratch = InMemoryCheckpointer()
        let catalog = try AssistantCatalog(model: options.model, researchBranches: options.researchBranches,
                                           database: checkpoints, scratch: scratch, tools: options.tools)
        let limiter = options.maxConcurrency.map { ConcurrencyLimiter(permits: $0) }
        return (catalog, RunExecutor(store: store, checkpoints: checkpoints, scratch: scratch, limiter: limiter))
    }

    static func router(state: ServerState, apiKey: String?, logger: Logger) -> APIRouter {
        let router = APIRouter()
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: ErrorBodyMiddleware(logger: logger))
        if let apiKey, !apiKey.isEmpty { router.add(middleware: APIKeyMiddleware(key: Array(apiKey.utf8))) }
        SystemRoutes.add(to: router)
        AssistantRoutes.add(to: router, state: state)
        ThreadRoutes.add(to: router, state: state)
        RunRoutes.add(to: router, state: state)
        return router
    }
}

/// The router every route registers on (`Router` alone names the engine's routing function type).
typealias APIRouter = Hummingbird.Router<BasicRequestContext>
