import ChorusApp
import ChorusAppCore
import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tui` and `research-tui`: the whole terminal app (runtime, chat or
/// research graph, offline model, SQLite store) driven through a terminal
/// that does everything curses does but the writes: it diffs every frame.
/// Measures frame time (view + diff), CPU of the process while tokens
/// stream, and key-to-screen latency.
enum TerminalApp {
    /// The chat workload: 2,000 tokens/s into a thread of 5,000 messages.
    static func chat() async throws -> Value {
        let dir = NSTemporaryDirectory() + "chorus-bench-tui-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = try ChorusDatabase(path: dir + "/bench.sqlite")
        let messages = Bench.quick ? 500 : 5_000
        try await seed(database, messages: messages)
        let terminal = RecordingTerminal()
        let runtime = try app(database, terminal, environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "2000"])
        let frameLog = runtime.frameLog
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 120, height: 40))
        try await terminal.until { $0.contains("1 long thread") }
        terminal.input(.key(.alt("1")))
        try await terminal.until { $0.contains("message \(messages - 1)") }
        // Replies of ~95 tokens each, one after the other: about a second of streaming.
        let replies = Bench.quick ? 5 : 20
        let framesBefore = frameLog.withLock { $0 }
        let cpu0 = cpuSeconds(), harness0 = terminal.harnessCPUSeconds, t0 = Bench.now()
        // CPU while tokens flow (from the reply's first words on screen to its end), apart from
        // the per-reply work of loading and saving the 5,000-message state.
        var streamingCPU = 0.0, streamingWall = 0.0
        for i in 0..<replies {
            for ch in "go \(i)" { terminal.input(.key(.character(ch))) }
            terminal.input(.key(.enter))
            try await terminal.until { $0.contains("This is Chorus's offline") && $0.contains("▌") }
            let c0 = cpuSeconds(), w0 = Bench.now()
            try await terminal.until { $0.contains("You wrote: “go \(i)”") && $0.contains("Meanwhile") && $0.contains("▌") }
            streamingCPU += cpuSeconds() - c0
            streamingWall += Double(Bench.now() - w0) / 1e9
            try await terminal.until { $0.contains("You wrote: “go \(i)”") && !$0.contains("▌") && $0.contains("lost.") }
        }
        let wall = Double(Bench.now() - t0) / 1e9
        let cpu = cpuSeconds() - cpu0
        let harness = terminal.harnessCPUSeconds - harness0
        let frames = frameLog.withLock { $0 }.since(framesBefore)
        // Key to screen: a character typed when nothing else happens.
        var latencies = FrameStats()
        for ch in "latency" {
            let start = ContinuousClock.now
            terminal.input(.key(.character(ch)))
            try await terminal.until { $0.contains(String(ch)) && terminal.lastInputShown }
            latencies.record(ContinuousClock.now - start)
        }
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        let tokens = replies * 95
        return [
            "transcript_messages": .int(messages), "tokens": .int(tokens), "tokens_per_s": Bench.round(Double(tokens) / wall, 0),
            "frames": .int(frames.count), "frame_p50_ms": Bench.round(frames.percentile(0.5), 3),
            "frame_p99_ms": Bench.round(frames.percentile(0.99), 3), "cpu_percent_of_one_core": Bench.round(100 * cpu / wall, 1),
            "app_cpu_percent_of_one_core": Bench.round(100 * (cpu - harness) / wall, 1),
            "cpu_percent_while_streaming": Bench.round(100 * streamingCPU / max(streamingWall, 1e-9), 1),
            "key_to_screen_p99_ms": Bench.round(latencies.percentile(0.99), 2),
        ]
    }

    /// The research workload: 16 branches, all at once, each streaming at 200 tokens/s into its pane.
    static func research() async throws -> Value {
        let dir = NSTemporaryDirectory() + "chorus-bench-research-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = try ChorusDatabase(path: dir + "/bench.sqlite")
        let terminal = RecordingTerminal()
        let config = ChorusConfig(research: .init(branches: 16, maxConcurrency: 16))
        let runtime = try app(database, terminal, environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "200"], config: config)
        let frameLog = runtime.frameLog
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 200, height: 60))
        try await terminal.until { $0.contains("Message (Enter sends") }
        for ch in "/research bench" { terminal.input(.key(.character(ch))) }
        terminal.input(.key(.enter))
        try await terminal.until { $0.contains("in flight 16/16") }
        let framesBefore = frameLog.withLock { $0 }
        let cpu0 = cpuSeconds(), harness0 = terminal.harnessCPUSeconds, t0 = Bench.now()
        try await terminal.until { $0.contains("done 16") }
        let wall = Double(Bench.now() - t0) / 1e9
        let cpu = cpuSeconds() - cpu0
        let harness = terminal.harnessCPUSeconds - harness0
        let frames = frameLog.withLock { $0 }.since(framesBefore)
        terminal.input(.key(.escape))
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        return [
            "branches": 16, "tokens_per_s_per_branch": 200, "streaming_s": Bench.round(wall, 2), "frames": .int(frames.count),
            "frame_p50_ms": Bench.round(frames.percentile(0.5), 3), "frame_p99_ms": Bench.round(frames.percentile(0.99), 3),
            "cpu_percent_of_one_core": Bench.round(100 * cpu / wall, 1),
            "app_cpu_percent_of_one_core": Bench.round(100 * (cpu - harness) / wall, 1),
        ]
    }

    static func app(_ database: ChorusDatabase, _ terminal: RecordingTerminal, environment: [String: String],
                    config: ChorusConfig = ChorusConfig()) throws -> AppRuntime {
        let service = LocalBackend(database: database, environment: environment, config: config, flags: ProviderFlags(provider: "offline"))
        let model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(), defaultProvider: "offline",
                             providerChoices: ["offline"])
        return AppRuntime(model: model, terminal: terminal, backend: service, clipboardPath: NSTemporaryDirectory() + "chorus-bench-clipboard.txt")
    }

    /// One thread holding `messages` alternating user and assistant messages.
    static func seed(_ database: ChorusDatabase, messages: Int) async throws {
        let thread = try await ThreadStore(database: database).create(title: "long thread")
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        graph.addNode("model") { _, _ in .update([:]) }
        graph.addEdge(START, "model")
        let compiled = try graph.compile(checkpointer: SQLiteCheckpointer(database: database))
        let body = "Some **markdown** with `code` and a list:\n\n- one\n- two\n\nAnd a closing paragraph of ordinary length for wrapping."
        let values: [Value] = (0..<messages).map { i in
            ["type": .string(i % 2 == 0 ? "human" : "ai"), "content": .string("message \(i). " + body), "id": .string("m\(i)")]
        }
        _ = try await compiled.updateState(config: RunConfig(threadId: thread.id), values: ["messages": .array(values)], asNode: "model")
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// `tui-startup`: the release `chorus` binary in a real terminal (tmux) on a
/// database of 1,000 threads: time from launch to the first drawn frame and
/// peak memory, both from the app's `CHORUS_TRACE` line.
enum TerminalStartup {
    static func run() async throws -> Value {
        let dir = NSTemporaryDirectory() + "chorus-bench-startup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = try ChorusDatabase(path: dir + "/bench.sqlite")
        let store = ThreadStore(database: database)
        for i in 0..<1_000 { _ = try await store.create(title: "thread \(i)") }
        let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/chorus"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw BenchFailure(what: "no chorus binary beside chorus-bench (swift build -c release)") }
        var startups: [Double] = []
        var peak = 0
        for run in 0..<(Bench.quick ? 2 : 7) {
            let trace = dir + "/trace-\(run).jsonl"
            let launched = Date()
            let tmux = try TmuxSession(command: [binary, "--provider", "offline"], environment: [
                "CHORUS_DB": dir + "/bench.sqlite", "CHORUS_TRACE": trace, "HOME": dir, "XDG_CONFIG_HOME": dir, "LANG": "C.UTF-8",
            ], width: 120, height: 40)
            guard try await tmux.waitFor("thread 999", timeout: .seconds(20)) != nil else { throw BenchFailure(what: "chorus did not draw") }
            try tmux.send("C-q")
            guard try await tmux.waitFor("[exited 0]", timeout: .seconds(20)) != nil else { throw BenchFailure(what: "chorus did not quit") }
            let line = try String(contentsOfFile: trace, encoding: .utf8)
            guard case .object(let o) = try JSON.parse(line), let first = o["first_frame"]?.doubleValue else {
                throw BenchFailure(what: "no first_frame in \(line)")
            }
            if run > 0 { startups.append((first - launched.timeIntervalSince1970) * 1000) }  // the first run warms the page cache
            peak = max(peak, o["peak_rss_kib"]?.intValue ?? 0)
        }
        return ["threads": 1_000, "first_frame_ms_median": Bench.round(Bench.median(startups), 1),
                "first_frame_ms_max": Bench.round(startups.max() ?? 0, 1), "peak_rss_mib": Bench.round(Double(peak) / 1024, 1)]
    }
}
