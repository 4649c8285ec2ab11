import ChorusGraph
import ChorusTesting
import Foundation
import Testing
@testable import ChorusRemote

/// The client against a loopback server that answers byte for byte: errors,
/// keys, paging, and streams that break off or go quiet.
@Suite struct LangGraphClientTests {
    static func withServer(_ body: (LoopbackHTTPServer) async throws -> Void) async throws {
        let server = try await LoopbackHTTPServer()
        do { try await body(server) } catch { await server.shutdown(); throw error }
        await server.shutdown()
    }

    static func events(_ events: [(String, String)]) -> [String] {
        events.map { "event: \($0.0)\r\ndata: \($0.1)\r\n\r\n" }
    }

    @Test func theKeyGoesAsXApiKeyAndARefusalNamesItsVariable() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.error(401, #"{"detail":"Invalid API key"}"#))
            let client = try LangGraphClient(url: server.baseURL + "/", apiKey: "sekret", keyVariable: "TEAM_LANGGRAPH_KEY")
            await #expect(throws: RemoteError.unauthorized(status: 401, keyVariable: "TEAM_LANGGRAPH_KEY")) { try await client.ok() }
            #expect(server.requests.first?.header("x-api-key") == "sekret")
            #expect(server.requests.first?.uri == "/ok")
            #expect("\(RemoteError.unauthorized(status: 401, keyVariable: "TEAM_LANGGRAPH_KEY"))".contains("TEAM_LANGGRAPH_KEY"))
            #expect(!"\(RemoteError.unauthorized(status: 401, keyVariable: "TEAM_LANGGRAPH_KEY"))".contains("sekret"))
        }
    }

    @Test func noKeyNoHeader() async throws {
        try await Self.withServer { server in
            server.enqueue([.head(status: 200, headers: [("content-type", "application/json")]), .body(#"{"ok":true}"#)])
            try await LangGraphClient(url: server.baseURL, apiKey: "").ok()
            #expect(server.requests.first?.header("x-api-key") == nil)
        }
    }

    @Test func errorsSayWhatWasNotFoundOrRejected() async throws {
        try await Self.withServer { server in
            let client = try LangGraphClient(url: server.baseURL, apiKey: nil)
            server.enqueue(LoopbackHTTPServer.error(404, #"{"detail":"Thread 42 not found"}"#))
            await #expect(throws: RemoteError.notFound("Thread 42 not found")) { _ = try await client.thread("42") }
            server.enqueue(LoopbackHTTPServer.error(422, #"{"detail":"Invalid assistant: 'nope'.\nMust be either"}"#))
            await #expect(throws: RemoteError.rejected(status: 422, detail: "Invalid assistant: 'nope'. Must be either")) { _ = try await client.assistants() }
            server.enqueue(LoopbackHTTPServer.error(500, "boom"))
            await #expect(throws: RemoteError.serverError(status: 500, detail: "boom")) { try await client.ok() }
            server.enqueue([.head(status: 200, headers: [("content-type", "text/html")]), .body("<html>")])
            await #expect(throws: RemoteError.self) { _ = try await client.threads(limit: 10, offset: 0) }
            // Path segments are escaped: a thread id cannot reach another route.
            server.enqueue(LoopbackHTTPServer.error(404, #"{"detail":"x"}"#))
            _ = try? await client.thread("../runs?x=1")
            #expect(server.requests.last?.uri == "/threads/..%2Fruns%3Fx%3D1")
        }
    }

    @Test func aServerThatIsNotThereIsNamedAtOnce() async throws {
        let server = try await LoopbackHTTPServer()
        let url = server.baseURL
        await server.shutdown()
        let client = try LangGraphClient(url: url, apiKey: nil)
        do {
            try await client.ok()
            Issue.record("a closed port answered")
        } catch let error as RemoteError {
            guard case .unreachable(let at, let reason) = error else { Issue.record("\(error)"); return }
            #expect(at == url && reason == "connection refused")
        }
        #expect(throws: RemoteError.self) { _ = try LangGraphClient(url: "ftp://example.com", apiKey: nil) }
    }

    @Test func threadsArePagedWithTheirTotal() async throws {
        try await Self.withServer { server in
            let thread = #"{"thread_id":"t1","created_at":"2026-12-02T00:51:54.236185+00:00","updated_at":"2026-12-02T00:51:55+00:00","metadata":{"title":"hi"},"status":"idle","values":{"messages":[{"type":"human","content":"hello"}]}}"#
            server.enqueue([.head(status: 200, headers: [("content-type", "application/json"), ("x-pagination-total", "7")]), .body("[" + thread + "]")])
            let page = try await LangGraphClient(url: server.baseURL, apiKey: nil).threads(limit: 1, offset: 3)
            #expect(page.total == 7)
            #expect(page.threads.map(\.id) == ["t1"])
            #expect(page.threads[0].messages.count == 1 && page.threads[0].metadata["title"] == "hi")
            #expect(page.threads[0].updatedAt.timeIntervalSince(page.threads[0].createdAt) > 0.7)
            let body = try JSON.parse(server.requests[0].body)
            #expect(body["limit"] == 1 && body["offset"] == 3)
        }
    }

    @Test func aRunStreamsItsEventsAndAsksForSubgraphsAndResumability() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.events([("metadata", #"{"run_id":"r1"}"#), ("messages|inner:1", #"[{"type":"AIMessageChunk","content":"hi","id":"m"},{}]"#)])
                                                  .map { $0.replacingOccurrences(of: "\r\n\r\n", with: "\r\nid: 5-0\r\n\r\n") }))
            let client = try LangGraphClient(url: server.baseURL, apiKey: nil)
            var parts: [RunStreamPart] = []
            for try await part in client.stream(threadId: "t1", RunStreamRequest(assistant: "chat", start: .resume("yes"))) { parts.append(part) }
            #expect(parts.map(\.mode) == ["metadata", "messages"])
            #expect(parts[1].namespace == ["inner:1"] && parts[1].id == "5-0")
            let body = try JSON.parse(server.requests[0].body)
            #expect(server.requests[0].uri == "/threads/t1/runs/stream")
            #expect(body["command"]?["resume"] == "yes" && body["input"] == nil)
            #expect(body["stream_subgraphs"] == .bool(true) && body["stream_resumable"] == .bool(true))
            #expect(body["stream_mode"]?.arrayValue?.contains("messages-tuple") == true)
        }
    }

    @Test func aStreamCutMidwayIsAConnectionLossAndAJoinSendsTheLastEventId() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.sse(Self.events([("metadata", #"{"run_id":"r1"}"#)])) + [.pause(milliseconds: 100), .cut])
            server.enqueue(LoopbackHTTPServer.sse(Self.events([("values", "{}")])))
            let client = try LangGraphClient(url: server.baseURL, apiKey: nil)
            var seen = 0
            do {
                for try await _ in client.stream(threadId: "t1", RunStreamRequest(assistant: "chat", start: .proceed)) { seen += 1 }
                Issue.record("a cut stream ended cleanly")
            } catch let error as RemoteError {
                #expect(error.isConnectionLoss, "\(error)")
            }
            // (A closing connection can take with it an event the client held but had not read.)
            #expect(seen <= 1)
            for try await _ in client.join(threadId: "t1", runId: "r1", lastEventId: "9-3") {}
            #expect(server.requests[1].uri.hasPrefix("/threads/t1/runs/r1/stream"))
            #expect(server.requests[1].header("Last-Event-ID") == "9-3")
        }
    }

    @Test func aStreamThatGoesQuietEndsAsStalled() async throws {
        try await Self.withServer { server in
            // Quiet for 20 s, then a clean end: only the idle limit can make this an error.
            server.enqueue(LoopbackHTTPServer.sse(Self.events([("metadata", #"{"run_id":"r1"}"#)])) + [.pause(milliseconds: 20_000), .body(": heartbeat\r\n\r\n")])
            let client = try LangGraphClient(url: server.baseURL, apiKey: nil, streamIdleLimit: 1)
            await #expect(throws: RemoteError.stalled(seconds: 1)) {
                for try await _ in client.stream(threadId: "t1", RunStreamRequest(assistant: "chat", start: .proceed)) {}
            }
        }
    }

    @Test func anErrorStatusOnAStreamIsTheSameTypedError() async throws {
        try await Self.withServer { server in
            server.enqueue(LoopbackHTTPServer.error(409, #"{"detail":"Thread is busy"}"#))
            let client = try LangGraphClient(url: server.baseURL, apiKey: nil)
            await #expect(throws: RemoteError.rejected(status: 409, detail: "Thread is busy")) {
                for try await _ in client.stream(threadId: "t1", RunStreamRequest(assistant: "chat", start: .proceed)) {}
            }
        }
    }
}
