import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// `chorus` in a real terminal (tmux): keys in, screen out. Each test gets
/// its own tmux server, database and config folder.
@Suite(.serialized, .timeLimit(.minutes(2))) struct EndToEndTests {
    let dir: String
    let binary = BuiltExecutable.path("chorus")

    init() throws {
        dir = NSTemporaryDirectory() + "chorus-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// Starts chorus on the offline model at `tokensPerSecond`.
    func start(tokensPerSecond: Int = 0, arguments: [String] = ["--provider", "offline"], width: Int = 100, height: Int = 30,
               environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(command: [binary] + arguments, environment: [
            "CHORUS_DB": dir + "/chorus.sqlite", "CHORUS_OFFLINE_TOKENS_PER_SECOND": "\(tokensPerSecond)",
            "HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state", "LANG": "C.UTF-8",
        ].merging(environment) { $1 }, width: width, height: height)
    }

    /// The offline reply's last word (a single word cannot be wrapped apart).
    static let replyEnd = "lost."

    func text(_ screen: [String]?) -> String { (screen ?? []).joined(separator: "\n") }

    @Test func sendStreamAndQuitRestoresTheTerminal() async throws {
        // Slow enough (~5 s a reply) that a half-written reply is on screen for several captures,
        // even when the test's own task waits a few seconds for a thread on a busy machine.
        let tmux = try start(tokensPerSecond: 20)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("hello from tmux", literal: true)
        try tmux.send("Enter")
        let streaming = try await tmux.waitFor { $0.joined().contains("You wrote") && !$0.joined().contains(Self.replyEnd) }
        #expect(streaming != nil, "tokens should appear before the reply is complete")
        let done = try await tmux.waitFor(Self.replyEnd)
        #expect(text(done).contains("You wrote: “hello from tmux”"))
        try tmux.send("C-q")
        let exited = try await tmux.waitFor("[exited 0]")
        #expect(exited != nil)
        // Back on the normal screen: no UI left behind.
        #expect(!text(exited).contains("Threads"))
        let (status, out, _) = try await BuiltExecutable.run("chorus", ["threads", "list", "--db", dir + "/chorus.sqlite"])
        #expect(status == 0)
        #expect(out.contains("hello from tmux"))
    }

    @Test func escCancelsAndThePartialReplyIsKept() async throws {
        let tmux = try start(tokensPerSecond: 15)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("cancel me", literal: true)
        try tmux.send("Enter")
        #expect(try await tmux.waitFor("offline model") != nil)
        try tmux.send("Escape")
        let cancelled = try await tmux.waitFor("[cancelled]")
        #expect(cancelled != nil)
        #expect(!text(cancelled).contains(Self.replyEnd))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
        // Reopened, the thread still shows what arrived, marked.
        let again = try start()
        #expect(try await again.waitFor("cancel me") != nil)
        try again.send("M-1")
        let reopened = try await again.waitFor("[cancelled]")
        #expect(text(reopened).contains("offline model"))
        try again.send("C-q")
    }

    @Test func switchingThreadsWhileAReplyStreamsKeepsItStreaming() async throws {
        let tmux = try start(tokensPerSecond: 40)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("first thread", literal: true)
        try tmux.send("Enter")
        #expect(try await tmux.waitFor("offline model") != nil)
        try tmux.send("C-t")
        #expect(try await tmux.waitFor("Chorus — chat with") != nil)
        try tmux.send("second thread", literal: true)
        try tmux.send("Enter")
        #expect(try await tmux.waitFor(Self.replyEnd) != nil)
        // Back to the first: its reply finished in its own thread.
        try tmux.send("C-n")
        let first = try await tmux.waitFor { $0.joined().contains("“first thread”") && $0.joined().contains(Self.replyEnd) }
        #expect(first != nil)
        #expect(!text(first).contains("“second thread”"))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
    }

    /// A model with a 400-token window: the status bar shows how full it is, and after a few
    /// turns the transcript shows where the conversation was compacted to fit.
    @Test func theContextMeterAndACompactionOnScreen() async throws {
        let tmux = try start(width: 120, height: 40, environment: ["CHORUS_OFFLINE_CONTEXT_WINDOW": "400"])
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        for turn in 1...4 {
            try tmux.send("turn \(turn) of a conversation that soon fills a small window", literal: true)
            try tmux.send("Enter")
            let answered = try await tmux.waitFor { $0.joined().contains("“turn \(turn) of") && $0.joined().contains(Self.replyEnd) && $0.joined().contains("/400") }
            #expect(answered != nil, "turn \(turn) was answered and the meter shows the window")
        }
        let screen = try await tmux.waitFor("⋯ compacted")
        #expect(screen != nil, "a compaction marker in the transcript")
        let status = screen?.last { !$0.isEmpty } ?? ""
        #expect(status.range(of: #"ctx \d+/400 \(\d+%\)"#, options: .regularExpression) != nil, "\(status)")
        #expect(status.range(of: #"│ reply \d+(\.\d)?k? tok · thread \d+(\.\d)?k? tok"#, options: .regularExpression) != nil, "the last reply's and the thread's tokens: \(status)")
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
    }

    @Test func resizeStormLeavesAConsistentScreen() async throws {
        let tmux = try start(tokensPerSecond: 60)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("resize while streaming", literal: true)
        try tmux.send("Enter")
        for i in 0..<20 {
            try tmux.resize(width: 50 + (i * 7) % 60, height: 12 + (i * 5) % 20)
            try await Task.sleep(for: .milliseconds(100))
        }
        try tmux.resize(width: 90, height: 24)
        // The last resize reaches the app a few milliseconds after tmux reflows the old frame: wait for its redraw.
        let screen = try await tmux.waitFor { $0.joined().contains(Self.replyEnd) && $0.last { !$0.isEmpty }?.hasPrefix(" chorus ") == true }
        #expect(screen != nil, "the app survives, finishes the reply and redraws at the last size")
        let rows = screen ?? []
        #expect(rows.last { !$0.isEmpty }?.hasPrefix(" chorus ") == true, "status bar on the last row")
        // The thread list's border is in one column on every row above the status bar.
        let aboveStatus = rows.prefix(rows.lastIndex { !$0.isEmpty } ?? 0)
        let borderColumns = Set(aboveStatus.filter { !$0.isEmpty }.compactMap { row in row.firstIndex(of: "│").map { row[..<$0].count } })
        #expect(borderColumns.count == 1)
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
    }

    @Test func wideCharactersAndPaste() async throws {
        let tmux = try start()
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.paste("第一行 漢字\nsecond 😀 line\nthird")
        let pasted = try await tmux.waitFor("third")
        #expect(!text(pasted).contains("You wrote"), "a paste is not sent")
        #expect(text(pasted).contains("second 😀 line"))
        try tmux.send("Enter")
        let sent = try await tmux.waitFor(Self.replyEnd)
        #expect(text(sent).contains("第一行 漢字"))
        #expect(text(sent).contains("You wrote: “第一行 漢字"))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
    }

    @Test func escapeSequencesFromTheModelAreShownAsText() async throws {
        let server = try await LoopbackHTTPServer()
        let chunk = { (text: String) in
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\(JSON.serialize(.string(text)))},\"finish_reason\":null}]}\n\n"
        }
        server.enqueue(LoopbackHTTPServer.sse([
            chunk("before \u{1B}]52;c;cHduZWQ=\u{07}"), chunk("\u{1B}[2J\u{1B}[Hafter"),
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n",
        ]))
        let tmux = try start(arguments: ["--provider", "openai", "--base-url", server.baseURL + "/v1", "--model", "evil"])
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("hi", literal: true)
        try tmux.send("Enter")
        let screen = try await tmux.waitFor("after")
        #expect(text(screen).contains("before after"))
        // The screen was not cleared (the question is still there) and nothing reached the clipboard.
        #expect(text(screen).contains("You"))
        let buffers = try? tmux.command(["list-buffers", "-F", "#{buffer_sample}"])
        #expect(buffers?.contains("pwned") != true)
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
        await server.shutdown()
    }

    @Test func researchRunNeverHasMoreThanKBranchesRunning() async throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chorus", withIntermediateDirectories: true)
        try "[research]\nbranches = 6\nmax_concurrency = 2\n".write(toFile: dir + "/config/chorus/config.toml", atomically: true, encoding: .utf8)
        let tmux = try start(tokensPerSecond: 80, width: 120, height: 40)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("/research how do panes work", literal: true)
        try tmux.send("Enter")
        var sawQueuedWhileRunning = false
        var mostRunning = 0
        let finished = try await tmux.waitFor(timeout: .seconds(90)) { rows in
            let screen = rows.joined(separator: "\n")
            let running = screen.components(separatedBy: "] running").count - 1
            mostRunning = max(mostRunning, running)
            if running > 0, screen.contains("] queued") { sawQueuedWhileRunning = true }
            return screen.contains("✓ done")
        }
        #expect(finished != nil)
        #expect(mostRunning <= 2, "never more than max_concurrency panes running")
        #expect(mostRunning >= 1)
        #expect(sawQueuedWhileRunning, "queued branches visibly wait")
        #expect(text(finished).contains("done 6 · failed 0"))
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
        let (_, out, _) = try await BuiltExecutable.run("chorus", ["threads", "list", "--json", "--db", dir + "/chorus.sqlite"])
        #expect(out.contains("\"kind\":\"research\""))
    }

    @Test func notATerminalIsAnError() async throws {
        let (status, _, err) = try await BuiltExecutable.run("chorus", ["--db", dir + "/chorus.sqlite"], environment: ["HOME": dir])
        #expect(status != 0)
        #expect(err.contains("not a terminal"))
    }
}
