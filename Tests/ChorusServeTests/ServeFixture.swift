@testable import ChorusServe
import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A served store in a temporary folder, driven in process through
/// Hummingbird's router test client (no sockets). Removed when dropped.
final class ServeFixture: Sendable {
    let dir: String
    let state: ServerState
    let apiKey: String?

    /// `tokensPerSecond` paces the offline model (0: as fast as possible).
    init(tokensPerSecond: Double = 0, apiKey: String? = nil, bodyLimit: Int = 1 << 20,
         retention: RunRetention = RunRetention(), model: (any ChatModel)? = nil, tools: [AgentTool] = []) throws {
        dir = NSTemporaryDirectory() + "chorus-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.apiKey = apiKey
        state = try ChorusServer.makeState(ServeOptions(databasePath: dir + "/serve.sqlite", model: model ?? OfflineChatModel(tokensPerSecond: tokensPerSecond),
                                                        apiKey: apiKey, bodyLimit: bodyLimit, tools: tools), retention: retention)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    var databasePath: String { dir + "/serve.sqlite" }

    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await state.runs.start()
        let app = Application(router: ChorusServer.router(state: state, apiKey: apiKey, logger: Logger(label: "chorus.serve.test")))
        return try await app.test(.router, body)
    }
}

/// One response: status, headers and the body parsed as JSON (`.null` when empty or not JSON).
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let json: Value
    let text: String
}

/// One server-sent event.
struct Event: Sendable, Equatable {
    let name: String
    let data: Value
    let id: String?
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, _ body: Value? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(method, uri, body.map { JSON.serialize($0) }, headers: headers)
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, _ text: String?, headers: HTTPFields = [:]) async throws -> Reply {
        try await execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return Reply(status: response.status, headers: response.headers, json: (try? JSON.parse(text)) ?? .null, text: text)
        }
    }

    /// Waits (up to 10 s) until the thread's state holds `count` messages: a run has saved its input.
    func waitForMessages(_ thread: String, count: Int) async throws {
        for _ in 0..<200 {
            let state = try await call(.get, "/threads/\(thread)/state").json
            if (state["values"]?["messages"]?.arrayValue?.count ?? 0) >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A new thread's id.
    func newThread(metadata: Value = .object([:])) async throws -> String {
        try await call(.post, "/threads", ["metadata": metadata]).json["thread_id"]?.stringValue ?? ""
    }
}

extension Reply {
    /// The body as server-sent events (heartbeat comments skipped).
    var events: [Event] {
        text.components(separatedBy: "\r\n\r\n").compactMap { block in
            var name: String?
            var data: Value = .null
            var id: String?
            for line in block.components(separatedBy: "\r\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = (try? JSON.parse(String(line.dropFirst(6)))) ?? .null }
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
            }
            return name.map { Event(name: $0, data: data, id: id) }
        }
    }
}

/// `{"messages": [{"role": "user", "content": text}]}`.
func userInput(_ text: String) -> Value {
    ["messages": [["role": "user", "content": .string(text)]]]
}

/// The `type` of each message in a state.
func messageTypes(_ values: Value?) -> [String] {
    (values?["messages"]?.arrayValue ?? []).map { $0["type"]?.stringValue ?? "?" }
}

extension Value {
    /// The element at `index` of an array, nil otherwise.
    subscript(index: Int) -> Value? {
        guard let list = arrayValue, list.indices.contains(index) else { return nil }
        return list[index]
    }
}
