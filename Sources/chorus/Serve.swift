import ArgumentParser
import ChorusApp
import ChorusPostgres
import ChorusServe
import ChorusSettings
import ChorusStore
import ChorusTools
import Foundation
import Logging

extension Chorus {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the LangGraph Server API over HTTP (assistants chat and research) on the app's threads.",
            discussion: """
                Any LangGraph client (langgraph-sdk's get_client(url=…)) can use it. Binds 127.0.0.1 by default; another \
                --host needs CHORUS_SERVER_API_KEY, which clients then send as x-api-key. SIGTERM or SIGINT stops it: \
                running runs get a few seconds to finish, the rest are interrupted and can be resumed.

                With --database postgres://USER@HOST:PORT/DB (or CHORUS_DATABASE_URL), threads, checkpoints and runs \
                live in PostgreSQL, and any number of instances serve the same database: a run is queued there and \
                run by one instance, any instance streams, joins or cancels it, and when an instance dies another \
                takes its runs over once their lease (--lease) runs out.
                """)

        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (0: any free port; the one chosen is printed).") var port = 2024
        @Option(name: .customLong("max-concurrency"), help: "Node tasks running at once across every run on the server (default: no bound).")
        var maxConcurrency: Int?
        @Option(name: .customLong("shutdown-grace"), help: "Seconds running runs get to finish after SIGTERM/SIGINT before they are interrupted.")
        var shutdownGrace: Double = 10
        @Option(help: "PostgreSQL URL (postgres://USER@HOST:PORT/DB[?schema=NAME]) to serve from with other instances; default: $CHORUS_DATABASE_URL, else the SQLite file.")
        var database: String?
        @Option(help: "With --database: seconds a run stays with an instance that stopped renewing its lease before another takes it over.")
        var lease: Double = 10
        @Option(name: .customLong("max-runs"), help: "With --database: runs this instance runs at once; the rest wait for any instance.")
        var maxRuns = 1000
        @Option(name: .customLong("max-connections"), help: "With --database: connections this instance opens to PostgreSQL, at most.")
        var maxConnections = 20
        @OptionGroup var providerOptions: ProviderOptions
        @OptionGroup var toolOptions: ToolOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
            if let maxConcurrency, maxConcurrency < 1 { throw ValidationError("--max-concurrency must be at least 1") }
            guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative") }
            guard lease >= 1 else { throw ValidationError("--lease must be at least 1 second") }
            guard maxRuns >= 1 else { throw ValidationError("--max-runs must be at least 1") }
            guard maxConnections >= 2 else { throw ValidationError("--max-connections must be at least 2 (one listens for the other instances)") }
            if let database, !PostgresURL.isPostgres(database) {
                throw ValidationError("--database must be a postgres:// URL (the SQLite file is chosen with --db)")
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var (options, specs) = try CommandFailure.wrap {
                let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
                let model = try ModelCatalog.model(provider: providerOptions.provider, model: providerOptions.model,
                                                   baseURL: providerOptions.baseURL, environment: environment, config: settings)
                var options = ServeOptions(host: host, port: port, databasePath: global.path, model: model, maxConcurrency: maxConcurrency,
                                           apiKey: environment["CHORUS_SERVER_API_KEY"], researchBranches: settings.research.branches ?? 3,
                                           shutdownGrace: .milliseconds(Int(shutdownGrace * 1000)))
                if let url = database ?? environment["CHORUS_DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
                    _ = try PostgresURL(url)
                    options.postgres = ClusterOptions(url: url, lease: .milliseconds(Int(lease * 1000)), maxRuns: maxRuns, maxConnections: maxConnections)
                }
                return (options, try ToolSelection.specs(config: settings, named: toolOptions.servers, disabled: toolOptions.noTools))
            }
            // The MCP servers start now, so a broken one is reported before the first run.
            let toolbox = specs.isEmpty ? nil : MCPToolbox(specs: specs)
            if let toolbox {
                let catalog = await toolbox.agentTools()
                options.tools = catalog.tools
                for line in catalog.unavailable { FileHandle.standardError.write(Data("chorus serve: \(line)\n".utf8)) }
            }
            let address = host
            do {
                try await ChorusServer.run(options) { port in
                    FileHandle.standardOutput.write(Data("chorus serve: listening on http://\(address):\(port)\n".utf8))
                }
                await toolbox?.stop()
            } catch {
                await toolbox?.stop()
                throw CommandFailure(error)
            }
        }
    }
}
