@testable import ChorusServe
import ChorusGraph
import ChorusStore
import HTTPTypes
import Testing

/// What a client sends is never trusted: each malformed request gets its
/// status and a detail, and the store is as it was.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let status: HTTPResponse.Status
        /// Text the detail must contain.
        let mentions: String
        var description: String { "\(method) \(path) \(body ?? "")" }
    }

    static let thread = "0192f0c4-2222-7000-8000-000000000002"
    static let stream = "/threads/\(thread)/runs/stream"
    static let cases: [Case] = [
        Case(method: .post, path: "/threads", body: "{\"metadata\": ", status: .unprocessableContent, mentions: "JSON"),
        Case(method: .post, path: "/threads", body: "[1, 2]", status: .unprocessableContent, mentions: "object"),
        Case(method: .post, path: "/threads", body: "{\"metadata\": 5}", status: .unprocessableContent, mentions: "'metadata'"),
        Case(method: .post, path: "/threads", body: "{\"thread_id\": \"abc\"}", status: .unprocessableContent, mentions: "'thread_id'"),
        Case(method: .post, path: "/threads/search", body: "{\"limit\": \"ten\"}", status: .unprocessableContent, mentions: "'limit'"),
        Case(method: .post, path: "/threads/search", body: "{\"status\": \"sleepy\"}", status: .unprocessableContent, mentions: "'status'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": 7}", status: .unprocessableContent, mentions: "'assistant_id'"),
        Case(method: .post, path: stream, body: "{}", status: .unprocessableContent, mentions: "'assistant_id'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"stream_mode\": \"bogus\"}", status: .unprocessableContent, mentions: "bogus"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"stream_mode\": [1]}", status: .unprocessableContent, mentions: "'stream_mode'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"input\": {}, \"command\": {\"resume\": 1}}", status: .unprocessableContent, mentions: "not both"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"command\": {}}", status: .unprocessableContent, mentions: "'command'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"config\": {\"recursion_limit\": 0}}", status: .unprocessableContent, mentions: "'recursion_limit'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"config\": []}", status: .unprocessableContent, mentions: "'config'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"interrupt_before\": [\"nope\"]}", status: .unprocessableContent, mentions: "nope"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"multitask_strategy\": \"sometimes\"}", status: .unprocessableContent, mentions: "'multitask_strategy'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"chat\", \"stream_subgraphs\": \"yes\"}", status: .unprocessableContent, mentions: "'stream_subgraphs'"),
        Case(method: .post, path: stream, body: "{\"assistant_id\": \"nope\"}", status: .unprocessableContent, mentions: "registered graphs"),
        Case(method: .post, path: "/threads/not-a-uuid/runs/stream", body: "{\"assistant_id\": \"chat\"}", status: .notFound, mentions: "not-a-uuid"),
        Case(method: .get, path: "/threads/\(thread)/runs/01a2343c-0000-7000-8000-000000000000", body: nil, status: .notFound, mentions: "Run"),
        Case(method: .post, path: "/threads/\(thread)/history", body: "{\"limit\": 0}", status: .unprocessableContent, mentions: "'limit'"),
        Case(method: .get, path: "/threads/\(thread)/runs?limit=-1", body: nil, status: .unprocessableContent, mentions: "'limit'"),
        Case(method: .post, path: "/threads", body: "{\"metadata\": {\"pad\": \"" + String(repeating: "x", count: 5000) + "\"}}", status: .contentTooLarge, mentions: "4096"),
    ]

    @Test(arguments: cases)
    func malformedRequestsGetTheirStatusAndLeaveTheStoreAlone(_ bad: Case) async throws {
        let fixture = try ServeFixture(bodyLimit: 4096)
        try await fixture.test { client in
            #expect(try await client.call(.post, "/threads", ["thread_id": .string(Self.thread)]).status == .ok)
            _ = try await client.call(.post, "/threads/\(Self.thread)/runs/wait", ["assistant_id": "chat", "input": userInput("keep me")])
            let before = try await client.call(.get, "/threads/\(Self.thread)/state").json

            let reply = try await client.send(bad.method, bad.path, bad.body)
            #expect(reply.status == bad.status)
            #expect(reply.json["detail"]?.stringValue?.contains(bad.mentions) == true, "detail: \(reply.text)")

            #expect(try await client.call(.get, "/threads/\(Self.thread)/state").json == before)
            #expect(try await client.call(.post, "/threads/search", ["limit": 100]).json.arrayValue?.count == 1)
        }
    }

    @Test func aThousandRunsAtOnceOnOneThreadAreAcceptedOrRefusedCleanly() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for i in 0..<1000 {
                    group.addTask {
                        let reply = try await client.call(.post, "/threads/\(thread)/runs",
                                                          ["assistant_id": "chat", "input": userInput("run \(i)"), "multitask_strategy": "reject"])
                        return (reply.status, reply.json["run_id"]?.stringValue)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == .ok || $0.0 == .conflict })
            let accepted = statuses.compactMap { $0.0 == .ok ? $0.1 : nil }
            #expect(!accepted.isEmpty)
            for run in accepted { _ = try await client.call(.get, "/threads/\(thread)/runs/\(run)/join") }
            let state = try await client.call(.get, "/threads/\(thread)/state").json
            #expect(state["values"]?["messages"]?.arrayValue?.count == 2 * accepted.count)
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "idle")
        }
    }
}
