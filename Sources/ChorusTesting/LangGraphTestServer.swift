import ChorusProcess
import Foundation
import NIOCore
import NIOPosix

/// A LangGraph server for the remote-client tests, on loopback: the real
/// reference `langgraph dev` (graphs `chat`, `fanout`, `approve`, `nested`
/// of `Tests/Fixtures/langgraph-dev/app`) or `chorus serve` from this build.
public final class LangGraphTestServer: Sendable {
    public enum Kind: String, Sendable, CaseIterable, CustomStringConvertible {
        case langgraphDev = "langgraph dev"
        case chorusServe = "chorus serve"
        public var description: String { rawValue }
    }

    public let kind: Kind
    public let url: String
    private let directory: String
    private let process: ChildProcess?

    /// `scripts/remote/langgraph-dev.sh`; `scripts/test.sh` exports
    /// `CHORUS_LANGGRAPH_DEV=1` once its venv is installed.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/remote/langgraph-dev.sh").path
    public static var langgraphDevAvailable: Bool { ProcessInfo.processInfo.environment["CHORUS_LANGGRAPH_DEV"] == "1" }

    /// Starts a server whose model streams `tokens` tokens `delayMs` apart and
    /// fans out to `fanout` branches (`fanout`/`research` graphs).
    /// `serveArguments` go to `chorus serve` (e.g. `--database URL`);
    /// `sqlitePath` is its SQLite file (default: a new one of its own, removed by `stop`).
    public static func start(_ kind: Kind, tokens: Int, delayMs: Int, fanout: Int = 8, serveArguments: [String] = [],
                             sqlitePath: String? = nil) async throws -> LangGraphTestServer {
        let directory = NSTemporaryDirectory() + "chorus-lgserver-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        switch kind {
        case .langgraphDev:
            let port = try await freePort()
            let environment = ProcessInfo.processInfo.environment.merging(
                ["TOKENS": "\(tokens)", "DELAY_MS": "\(delayMs)", "FANOUT": "\(fanout)"]) { $1 }
            let (status, out, err) = try await BuiltExecutable.offPool {
                let result = try ChildProcess.run("/bin/bash", [script, "start", "\(port)", directory], environment: environment)
                return (result.termination.shellStatus, result.stdout, result.stderr)
            }
            guard status == 0 else { throw ServerStartError(kind: kind, detail: err) }
            return LangGraphTestServer(kind: kind, url: out.trimmingCharacters(in: .whitespacesAndNewlines), directory: directory, process: nil)
        case .chorusServe:
            // The offline model: about `tokens` words at 1000/delayMs per second; research in `fanout` branches.
            try "[research]\nbranches = \(fanout)\nmax_concurrency = \(fanout)\n"
                .write(toFile: directory + "/config.toml", atomically: true, encoding: .utf8)
            let environment = ProcessInfo.processInfo.environment.merging([
                "CHORUS_OFFLINE_TOKENS_PER_SECOND": "\(delayMs > 0 ? 1000 / delayMs : 0)", "HOME": directory,
            ]) { $1 }
            let child = try ChildProcess(BuiltExecutable.path("chorus"),
                                         ["serve", "--port", "0", "--db", sqlitePath ?? directory + "/serve.sqlite", "--config", directory + "/config.toml"] + serveArguments,
                                         environment: environment, standardOutput: .pipe, standardError: .file(directory + "/serve.log"),
                                         ownProcessGroup: true)
            let line = try await BuiltExecutable.offPool { () -> String in
                var seen = Data()
                while let chunk = try child.standardOutput?.read(upToCount: 1), !chunk.isEmpty {
                    seen += chunk
                    if chunk == Data("\n".utf8) { break }
                }
                return String(decoding: seen, as: UTF8.self)
            }
            guard let range = line.range(of: "http://") else {
                _ = await child.stopped(grace: .seconds(1))
                throw ServerStartError(kind: kind, detail: (try? String(contentsOfFile: directory + "/serve.log", encoding: .utf8)) ?? line)
            }
            return LangGraphTestServer(kind: kind, url: String(line[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines),
                                       directory: directory, process: child)
        }
    }

    /// Runs `body` with a server started as `start` does, and stops the server after it, failed or not.
    public static func with<T: Sendable>(_ kind: Kind, tokens: Int, delayMs: Int, fanout: Int = 8,
                                         _ body: (LangGraphTestServer) async throws -> T) async throws -> T {
        let server = try await start(kind, tokens: tokens, delayMs: delayMs, fanout: fanout)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private init(kind: Kind, url: String, directory: String, process: ChildProcess?) {
        self.kind = kind
        self.url = url
        self.directory = directory
        self.process = process
    }

    /// The server's process id (`chorus serve` only).
    public var pid: Int32? { process?.pid }

    /// Kills `chorus serve` at once (SIGKILL): no shutdown, no goodbye to the database.
    public func kill() {
        process?.sendSignal(SIGKILL)
    }

    /// Asks `chorus serve` to stop (SIGTERM) and waits for it to exit, however long its shutdown grace lets runs go on.
    public func terminate() async -> ChildProcess.Termination? {
        guard let process else { return nil }
        process.sendSignal(SIGTERM)
        return await process.terminationStatus()
    }

    /// Stops the server and removes its files.
    public func stop() async {
        if let process {
            _ = await process.stopped(grace: .seconds(5))
        } else {
            let directory = self.directory
            _ = try? await BuiltExecutable.offPool { try ChildProcess.run("/bin/bash", [Self.script, "stop", directory]) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// A test server that did not start, with its log.
public struct ServerStartError: Error, CustomStringConvertible {
    public let kind: LangGraphTestServer.Kind
    public let detail: String
    public var description: String { "\(kind) did not start: \(detail)" }
}
