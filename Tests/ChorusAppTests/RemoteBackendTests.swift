import ChorusAgents
import ChorusRuns
import ChorusGraph
import ChorusRemote
import ChorusSettings
import ChorusStore
import ChorusSupport
import ChorusTesting
import Foundation
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// `RemoteBackend` against a loopback server scripted byte for byte: streams
/// that break off, close early or fail, cancellation, paging and search.
@Suite struct RemoteBackendTests {
    /// The messages a run sends the app, in order (the runtime's driver and mailbox, without the runtime).
    final class Inbox: Sendable {
        private let mailbox = RunMailbox(wake: {})
        private let messages = Locked<[Msg]>([])
        func driver(_ backend: any ThreadBackend) -> RunDriver { RunDriver(backend: backend, mailbox: mailbox, now: { Date() }) }
        var all: [Msg] { messages.withLock { $0 += mailbox.takeAll(); return $0 } }
        var tokens: String { all.map { if case .token(_, _, let text, _, _) = $0 { text } else { "" } }.joined() }
        var notices: [String] { all.compactMap { if case .notice(let line) = $0 { line } else { nil } } }
        var outcome: ReplyOutcome? { all.lazy.compactMap { if case .replyEnded(_, _, let outcome) = $0 { outcome } else { nil } }.first }
    }

    static func backend(_ server: LoopbackHTTPServer, idle: Double = 30) throws -> RemoteBackend {
        let database = try ChorusDatabase(path: NSTemporaryDirectory() + "chorus-remote-" + UUID().uuidString + ".sqlite")
        return RemoteBackend(client: try LangGraphClient(url: server.baseURL, apiKey: nil, streamIdleLimit: idle), assistant: "chat", drafts: database)
    }

    static func sse(_ events: [(event: String, data: String, id: String)]) -> [String] {
        events.map { "event: \($0.event)\r\ndata: \($0.data)\r\nid: \($0.id)\r\n\r\n" }
    }

    static func token(_ text: String) -> String {
        #"[{"type":"AIMessageChunk","content":"\#(text)","id":"m1"},{"langgraph_node":"agent","langgraph_step":1,"langgraph_checkpoint_ns":"agent:1"}]"#
    }

    /// The thread as `GET /threads/t1` answers after the run: its state's values are in it.
    static let thread = #"{"thread_id":"t1","created_at":"2026-12-02T00:00:00+00:00","updated_at":"2026-12-02T00:00:00+00:00","metadata":{"title":"hi"},"status":"idle","values":{"messages":[{"type":"human","content":"hi","id":"u1"},{"type":"ai","content":"Hello","id":"m1"}]}}"#

    static func json(_ body: String) -> [LoopbackHTTPServer.Step] {
        [.head(status: 200, headers: [("content-type", "application/json")]), .body(body)]
    }

    static func withServer(_ body: (LoopbackHTTPServer) async throws -> Void) async throws {
        let server = try await LoopbackHTTPServer()
        do { try await body(server) } catch { await server.shutdown(); throw error }
        await server.shutdown()
    }

    @Test func aStreamCutMidwayIsRejoinedAfterItsLastEventAndThePartialReplyKept() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("messages", Self.token("Hel"), "1-1")]))
                           + [.pause(milliseconds: 100), .cut])
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("messages", Self.token("lo"), "1-2"), ("values", "{}", "1-3")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"success"}"#))
            server.enqueue(Self.json(Self.thread))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            #expect(inbox.outcome == .done)
            #expect(inbox.notices.contains { $0.contains("re-joining the run (1/3)") }, "\(inbox.notices)")
            let join = server.requests[1]
            #expect(join.method == "GET" && join.uri.hasPrefix("/threads/t1/runs/r1/stream"))
            // The join asks for what came after the last event taken in. (A closing connection can take
            // with it events the client held but had not yet read; the server replays those.)
            let tookToken = inbox.tokens.hasPrefix("Hel")
            #expect(join.header("Last-Event-ID") == (tookToken ? "1-1" : "1-0"))
            #expect(inbox.tokens == (tookToken ? "Hello" : "lo"))
            // What was missed while away is read back from the thread's state.
            #expect(inbox.all.contains { if case .transcriptLoaded("t1", let entries) = $0 { entries.last?.text == "Hello" } else { false } })
        }
    }

    @Test func aStreamThatClosesWhileItsRunStillRunsIsRejoinedAsTheSDKDoes() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("messages", Self.token("Hel"), "1-1")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"running"}"#))
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("messages", Self.token("lo"), "1-2")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"success"}"#))
            server.enqueue(Self.json(Self.thread))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            #expect(inbox.tokens == "Hello")
            #expect(inbox.outcome == .done)
            #expect(server.requests.map(\.method).prefix(4) == ["POST", "GET", "GET", "GET"])
            #expect(server.requests[1].uri == "/threads/t1/runs/r1")
        }
    }

    @Test func aResearchStreamThatClosesEarlyIsRejoinedAndItsPanesGoOn() async throws {
        func branchToken(_ text: String, task: String) -> String {
            #"[{"type":"AIMessageChunk","content":"\#(text)","id":"m-\#(task)"},{"langgraph_node":"researcher","langgraph_step":2,"langgraph_checkpoint_ns":"researcher:\#(task)"}]"#
        }
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("messages", branchToken("A1", task: "a"), "1-1"),
                                                             ("messages", branchToken("B1", task: "b"), "1-2")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"running"}"#))
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("messages", branchToken("A2", task: "a"), "1-3"),
                                                             ("values", #"{"question":"q","answer":"both found"}"#, "1-4")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"success"}"#))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).research(question: "q", resume: "t1", control: ResearchControl())
            var panes: [String: String] = [:]
            var final: String?
            var ended: ReplyOutcome?
            for msg in inbox.all {
                switch msg {
                case .researchUpdate("t1", .token(let token)):
                    if case .branch(let branch) = token.part { panes[branch, default: ""] += token.text }
                case .researchUpdate("t1", .finished(let state)): final = state["answer"]?.stringValue
                case .researchEnded("t1", let outcome): ended = outcome
                default: break
                }
            }
            #expect(panes.values.sorted() == ["A1A2", "B1"])
            #expect(final == "both found")
            #expect(ended == .done)
            #expect(inbox.notices.contains { $0.contains("re-joining the run") })
            #expect(server.requests.count >= 3 && server.requests[2].header("Last-Event-ID") == "1-2")
        }
    }

    @Test func printWithServerRejoinsAStreamThatClosesEarly() async throws {
        try await Self.withServer { server in
            server.enqueue(Self.json(#"{"ok":true}"#))
            server.enqueue(Self.json(#"[{"assistant_id":"a1","graph_id":"chat"}]"#))
            server.enqueue(Self.json(#"{"thread_id":"t1","metadata":{}}"#))
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("messages", Self.token("Hel"), "1-1")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"running"}"#))
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("messages", Self.token("lo"), "1-2")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"success"}"#))
            let connection = try #require(try ServerConnection.resolve(url: server.baseURL, assistant: nil, config: ChorusConfig(), environment: [:]))
            let notices = Locked<[String]>([])
            let result = try await PrintCommand(question: "hi", provider: nil, system: nil, maxTokens: nil, ephemeral: false, databasePath: "/unused",
                                                server: connection)
                .answer(environment: [:], write: nil, notice: { line in notices.withLock { $0.append(line) } })
            #expect(result.reply == "Hello")
            #expect(notices.withLock { $0 }.contains { $0.contains("re-joining the run") })
            #expect(server.requests.last?.uri == "/threads/t1/runs/r1")
        }
    }

    @Test func aServerThatStaysAwayFailsTheReplyAfterThreeRejoins() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("messages", Self.token("Hel"), "1-1")]))
                           + [.pause(milliseconds: 100), .cut])
            for _ in 0..<3 { server.enqueue([.cut]) }
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            guard case .failed(let reason)? = inbox.outcome else { Issue.record("\(String(describing: inbox.outcome))"); return }
            #expect(reason.contains("cannot reach the LangGraph server"), "\(reason)")
            #expect(inbox.notices.count == 3)
        }
    }

    @Test func aServersToolCallsAreToolBlocks() async throws {
        try await Self.withServer { server in
            let asked = #"{"agent":{"messages":[{"type":"ai","content":"","id":"m1","tool_calls":[{"name":"get_time","args":{"tz":"UTC"},"id":"c1","type":"tool_call"}]}]}}"#
            let answered = #"{"tools":{"messages":[{"type":"tool","content":"12:00","tool_call_id":"c1","name":"get_time","id":"t1"}]}}"#
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0"), ("updates", asked, "1-1"), ("updates", answered, "1-2"),
                                                            ("messages", Self.token("It is noon."), "1-3")])))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "time?", entryId: "e1", runner: "chat")
            let kinds = inbox.all.compactMap { msg -> String? in
                switch msg {
                case .toolStarted(_, "c1", "get_time", ["tz": "UTC"]): "start"
                case .toolEnded(_, "c1", "12:00", _): "end"
                case .token(_, _, "It is noon.", _, _): "token"
                case .replyEnded(_, _, .done): "done"
                default: nil
                }
            }
            #expect(kinds == ["start", "end", "token", "done"])
        }
    }

    @Test func aServerErrorOrAFailedRunFailsTheReplySayingWhy() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.error(500, #"{"detail":"database is gone"}"#))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            #expect(inbox.outcome == .failed("the server failed (HTTP 500): database is gone"))
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r2"}"#, "1-0"), ("error", #"{"error":"ValueError","message":"boom"}"#, "1-1")])))
            let second = Inbox()
            await second.driver(try Self.backend(server)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            #expect(second.outcome == .failed("ValueError: boom"))
        }
    }

    @Test func aStalledStreamIsRejoined() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r1"}"#, "1-0")])) + [.pause(milliseconds: 20_000)])
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("messages", Self.token("late"), "1-1")])))
            server.enqueue(Self.json(#"{"run_id":"r1","status":"success"}"#))
            server.enqueue(Self.json(Self.thread))
            let inbox = Inbox()
            await inbox.driver(try Self.backend(server, idle: 3)).reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat")
            #expect(inbox.tokens == "late")
            #expect(inbox.notices.first?.contains("the server sent nothing for") == true, "\(inbox.notices)")
            #expect(inbox.outcome == .done)
        }
    }

    /// Esc: the run is cancelled on the server, and once it has stopped what
    /// arrived is written to the thread, marked cancelled, as the node that wrote it.
    @Test func cancellingTheReplyCancelsTheRunOnTheServerAndKeepsWhatArrived() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.sse([("metadata", #"{"run_id":"r9"}"#, "1-0"), ("messages", Self.token("Hel"), "1-1")]))
                           + [.pause(milliseconds: 10_000), .body("")])
            server.enqueue(Self.json("{}"))
            server.enqueue(Self.json(#"{"checkpoint":{"thread_id":"t1","checkpoint_ns":"","checkpoint_id":"c2"}}"#))
            let inbox = Inbox()
            let driver = inbox.driver(try Self.backend(server))
            let reply = Task { await driver.reply("t1", userId: "u1", text: "hi", entryId: "e1", runner: "chat") }
            for _ in 0..<100 where inbox.tokens.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            reply.cancel()
            await reply.value
            #expect(inbox.outcome == .cancelled)
            let cancel = try #require(server.requests.dropLast().last)
            #expect(cancel.method == "POST")
            #expect(cancel.uri == "/threads/t1/runs/r9/cancel?wait=1&action=interrupt")
            let kept = try #require(server.requests.last)
            #expect(kept.method == "POST" && kept.uri == "/threads/t1/state")
            let body = try JSON.parse(kept.body)
            #expect(body["as_node"] == "agent")
            #expect(body["values"]?["messages"] == [["type": "ai", "content": "Hel", "id": "m1", "response_metadata": ["chorus_status": "cancelled"]]])
            #expect(inbox.notices.isEmpty, "\(inbox.notices)")
        }
    }

    @Test func theThreadListIsPagedTitledAndSearchable() async throws {
        try await Self.withServer { server in
            func thread(_ i: Int, metadata: String, messages: String) -> String {
                #"{"thread_id":"t\#(i)","created_at":"2026-12-02T00:00:00+00:00","updated_at":"2026-12-02T00:00:00+00:00","metadata":\#(metadata),"status":"idle","values":{"messages":\#(messages)}}"#
            }
            var first = (0..<99).map { thread($0, metadata: #"{"title":"t\#($0)"}"#, messages: "[]") }
            first.append(thread(99, metadata: #"{"archived":true}"#, messages: "[]"))
            server.enqueue([.head(status: 200, headers: [("content-type", "application/json"), ("x-pagination-total", "101")]), .body("[" + first.joined(separator: ",") + "]")])
            let last = thread(100, metadata: #"{"graph_id":"fanout"}"#, messages: #"[{"type":"human","content":"why is \u001b[31mthe sky blue","id":"h"}]"#)
            server.enqueue([.head(status: 200, headers: [("content-type", "application/json"), ("x-pagination-total", "101")]), .body("[" + last + "]")])
            let backend = try Self.backend(server)
            var lists: [[ThreadRecord]] = []
            for try await list in backend.listThreads() { lists.append(list) }
            // The first page shows before the second arrives.
            #expect(lists.map(\.count) == [99, 100])
            let records = try #require(lists.last)
            #expect(!records.contains { $0.id == "t99" })
            let untitled = try #require(records.first { $0.id == "t100" })
            // No title of its own: its first message, with the escape sequence stripped; the graph is its assistant.
            #expect(untitled.title == "why is [31mthe sky blue" || untitled.title == "why is the sky blue")
            #expect(!(untitled.title ?? "").contains("\u{1b}"))
            #expect(untitled.provider == "fanout")
            #expect(try JSON.parse(server.requests[1].body)["offset"] == 100)
            let hits = try await backend.search("SKY", limit: 30)
            #expect(hits.map(\.threadId) == ["t100"])
            #expect(hits.first?.snippet.contains("[sky]") == true)
        }
    }
}

/// A server that answers slowly slows nothing but its own answers: the
/// screen still takes every key at once.
@Suite(.timeLimit(.minutes(1))) struct SlowServerTests {
    @Test func keysAreDrawnAtOnceWhileTheServerHasNotAnsweredTheThreadList() async throws {
        let server = try await LoopbackHTTPServer()
        // The thread list (and the drafts' store) are asked for at start; the server sits on the question
        // for longer than this test may run, so a key held behind it fails the test.
        server.enqueue([.pause(milliseconds: 600_000), .head(status: 200, headers: [("content-type", "application/json")]), .body("[]")])
        let database = try ChorusDatabase(path: NSTemporaryDirectory() + "chorus-slow-" + UUID().uuidString + ".sqlite")
        let backend = RemoteBackend(client: try LangGraphClient(url: server.baseURL, apiKey: nil), assistant: "chat", drafts: database)
        let terminal = RecordingTerminal()
        let model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(), defaultProvider: "chat", providerChoices: ["chat"])
        let runtime = AppRuntime(model: model, terminal: terminal, backend: backend, clipboardPath: NSTemporaryDirectory() + "chorus-slow-clip.txt")
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 80, height: 20))
        try await terminal.until { $0.contains("Message (Enter sends") }
        // Each key shows before the next is typed. (A frame drawn just after a key was sent need not
        // hold it yet: a frame for something else may be on its way, so the test waits for the text.)
        var typed = ""
        for ch in "typing while it waits" {
            typed.append(ch)
            terminal.input(.key(.character(ch)))
            try await terminal.until { [typed] in $0.contains(typed) }
        }
        #expect(server.requests.first?.uri == "/threads/search")
        // Quitting does not wait for the server either (at most the 2 s it gives work in flight).
        let quitAt = ContinuousClock.now
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        #expect(ContinuousClock.now - quitAt < .seconds(15))
        await server.shutdown()
    }
}
