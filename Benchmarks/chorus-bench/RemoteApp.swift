import ChorusApp
import ChorusAppCore
import ChorusGraph
import ChorusRemote
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation

/// `remote-startup` and `remote-fanout`: the app attached to a LangGraph
/// server (`chorus --server`). The server is the real `langgraph dev` when
/// `CHORUS_LANGGRAPH_DEV=1` (`scripts/bench-remote.sh` installs it), and
/// `chorus serve` from this build either way.
enum RemoteApp {
    static var kinds: [LangGraphTestServer.Kind] { LangGraphTestServer.langgraphDevAvailable ? [.langgraphDev, .chorusServe] : [.chorusServe] }

    /// Cold start of the release `chorus --server URL` in a real terminal
    /// (tmux) to its first drawn frame, with 1,000 threads on the server;
    /// from the app's `CHORUS_TRACE` line. The thread list arrives after.
    static func startup() async throws -> Value {
        var out: [String: Value] = [:]
        for kind in kinds {
            out[kind.rawValue] = try await LangGraphTestServer.with(kind, tokens: 5, delayMs: 5) { try await startup($0) }
        }
        return .object(out)
    }

    static func startup(_ server: LangGraphTestServer) async throws -> Value {
        let client = try LangGraphClient(url: server.url, apiKey: nil)
        for i in 0..<1_000 { _ = try await client.createThread(metadata: ["title": .string("thread \(i)")]) }
        let dir = NSTemporaryDirectory() + "chorus-bench-remote-startup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var firstFrames: [Double] = [], listed: [Double] = []
        for run in 0..<(Bench.quick ? 2 : 7) {
            let trace = dir + "/trace-\(run).jsonl"
            let launched = Date()
            let tmux = try TmuxSession(command: [BuiltExecutable.path("chorus"), "--server", server.url], environment: [
                "CHORUS_DB": dir + "/local.sqlite", "CHORUS_TRACE": trace, "HOME": dir, "XDG_CONFIG_HOME": dir, "LANG": "C.UTF-8",
            ], width: 120, height: 40)
            guard try await tmux.waitFor("thread 999", timeout: .seconds(30)) != nil else { throw BenchFailure(what: "the thread list never showed") }
            let shown = Date()
            try tmux.send("C-q")
            guard try await tmux.waitFor("[exited 0]", timeout: .seconds(20)) != nil else { throw BenchFailure(what: "chorus did not quit") }
            let line = try String(contentsOfFile: trace, encoding: .utf8)
            guard let first = try JSON.parse(line)["first_frame"]?.doubleValue else { throw BenchFailure(what: "no first_frame in \(line)") }
            // The first run warms the page cache.
            if run > 0 {
                firstFrames.append((first - launched.timeIntervalSince1970) * 1000)
                listed.append(shown.timeIntervalSince(launched) * 1000)
            }
        }
        return [
            "threads_on_server": 1_000, "runs": .int(firstFrames.count),
            "first_frame_ms_median": Bench.round(Bench.median(firstFrames), 1), "first_frame_ms_max": Bench.round(firstFrames.max() ?? 0, 1),
            // Seen by polling tmux (every ~50 ms): an upper bound.
            "thread_list_shown_ms_median": Bench.round(Bench.median(listed), 0),
        ]
    }

    /// Eight branches of a remote run streaming at 100 tokens/s each into
    /// their panes (the reference's `fanout` graph, or `chorus serve`'s
    /// research with 8 branches): the app's CPU while watching, then key to
    /// screen with a key every 100 ms, and the CPU over the whole run; in
    /// process with an in-memory terminal.
    static func fanout() async throws -> Value {
        var out: [String: Value] = [:]
        for kind in kinds {
            out[kind.rawValue] = try await LangGraphTestServer.with(kind, tokens: Bench.quick ? 300 : 800, delayMs: 10, fanout: 8) { try await fanout($0) }
        }
        return .object(out)
    }

    static func fanout(_ server: LangGraphTestServer) async throws -> Value {
        let dir = NSTemporaryDirectory() + "chorus-bench-remote-fanout-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let assistant = server.kind == .langgraphDev ? "fanout" : "chat"
        let backend = RemoteBackend(client: try LangGraphClient(url: server.url, apiKey: nil), assistant: assistant,
                                    drafts: try ChorusDatabase(path: dir + "/local.sqlite"))
        let terminal = RecordingTerminal()
        let model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(), defaultProvider: assistant, providerChoices: [assistant])
        let runtime = AppRuntime(model: model, terminal: terminal, backend: backend, clipboardPath: dir + "/clipboard.txt")
        let frameLog = runtime.frameLog
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 120, height: 40))
        try await terminal.until { $0.contains("Message (Enter sends") }
        for ch in server.kind == .langgraphDev ? "fan out" : "/research fan out" { terminal.input(.key(.character(ch))) }
        terminal.input(.key(.enter))
        try await terminal.until { $0.contains("running 8") }
        let framesBefore = frameLog.withLock { $0 }
        let cpu0 = TerminalApp.cpuSeconds(), harness0 = terminal.harnessCPUSeconds, t0 = Bench.now()
        // First the branches stream while nobody types (a third of the run), then a key every 100 ms
        // (a fast typist) until they are done.
        let watchFor = Double(server.kind == .langgraphDev ? (Bench.quick ? 1 : 2.5) : 0.3)
        while !terminal.screenText.contains("done 8"), Double(Bench.now() - t0) / 1e9 < watchFor { try await Task.sleep(for: .milliseconds(20)) }
        let watchWall = Double(Bench.now() - t0) / 1e9
        let watchCPU = (TerminalApp.cpuSeconds() - cpu0) - (terminal.harnessCPUSeconds - harness0)
        var latencies = FrameStats()
        var typed = 0
        while !terminal.screenText.contains("done 8") {
            let start = ContinuousClock.now
            terminal.input(.key(.character(typed % 2 == 0 ? "x" : "y")))
            try await terminal.until { _ in terminal.lastInputShown }
            latencies.record(ContinuousClock.now - start)
            typed += 1
            try await Task.sleep(until: start + .milliseconds(100))
        }
        let wall = Double(Bench.now() - t0) / 1e9
        let cpu = TerminalApp.cpuSeconds() - cpu0
        let harness = terminal.harnessCPUSeconds - harness0
        let frames = frameLog.withLock { $0 }.since(framesBefore)
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        return [
            "branches": 8, "tokens_per_s_per_branch": 100, "streaming_s": Bench.round(wall, 2), "keys": .int(typed), "keys_per_s": 10,
            "app_cpu_percent_while_watching": Bench.round(100 * watchCPU / max(watchWall, 1e-9), 1),
            "key_to_screen_p50_ms": Bench.round(latencies.percentile(0.5), 2), "key_to_screen_p99_ms": Bench.round(latencies.percentile(0.99), 2),
            "frames": .int(frames.count), "frame_p99_ms": Bench.round(frames.percentile(0.99), 3),
            "app_cpu_percent_of_one_core": Bench.round(100 * (cpu - harness) / wall, 1),
            "cpu_percent_of_one_core": Bench.round(100 * cpu / wall, 1),
        ]
    }
}
