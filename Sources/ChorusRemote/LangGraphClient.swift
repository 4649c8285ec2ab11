import AsyncHTTPClient
import ChorusGraph
import ChorusModels
import ChorusSupport
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the LangGraph Server API (LangGraph Platform, `langgraph dev`,
/// `chorus serve`): threads, assistants, and runs streamed over SSE. Every
/// answer is checked before it is believed; a failure is a `RemoteError`.
public struct LangGraphClient: Sendable {
    /// The server's URL, without a trailing slash.
    public let baseURL: String
    private let apiKey: String?
    /// The environment variable the key came from, named when the server refuses it.
    public let keyVariable: String
    /// How long a stream may send nothing at all (servers send a heartbeat every 5 s).
    public let streamIdleLimit: Double
    private let http: HTTPClient

    public init(url: String, apiKey: String?, keyVariable: String = "LANGGRAPH_API_KEY", streamIdleLimit: Double = 30,
                http: HTTPClient = SharedHTTPClient.shared) throws {
        var trimmed = url.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
            throw RemoteError.malformed("'\(url)' is not an http:// or https:// URL")
        }
        baseURL = trimmed
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.keyVariable = keyVariable
        self.streamIdleLimit = streamIdleLimit
        self.http = http
    }

    // MARK: server and assistants

    /// `GET /ok`: the server is up and speaks the API.
    public func ok() async throws {
        let answer = try await call(.GET, "/ok", timeout: .seconds(10))
        guard answer["ok"] == .bool(true) else { throw RemoteError.malformed("GET /ok answered \(JSON.serialize(answer))") }
    }

    /// Every assistant, in pages of 100.
    public func assistants() async throws -> [RemoteAssistant] {
        var found: [RemoteAssistant] = []
        while true {
            let page = try await call(.POST, "/assistants/search", body: ["limit": 100, "offset": .int(found.count)])
            guard let items = page.arrayValue else { throw RemoteError.malformed("assistants search did not return a list") }
            found += try items.map(RemoteAssistant.init(wire:))
            if items.count < 100 { return found }
        }
    }

    // MARK: threads

    /// One page of threads, most recently updated first, and the total when the server says it.
    public func threads(limit: Int, offset: Int) async throws -> (threads: [RemoteThread], total: Int?) {
        let (page, headers) = try await exchange(.POST, "/threads/search",
                                                 body: ["limit": .int(limit), "offset": .int(offset), "sort_by": "updated_at", "sort_order": "desc"],
                                                 timeout: .seconds(30))
        guard let items = page.arrayValue else { throw RemoteError.malformed("threads search did not return a list") }
        return (try items.map(RemoteThread.init(wire:)), headers.first(name: "x-pagination-total").flatMap { Int($0) })
    }

    public func thread(_ id: String) async throws -> RemoteThread {
        try RemoteThread(wire: try await call(.GET, "/threads/" + Self.segment(id)))
    }

    public func createThread(metadata: [String: Value]) async throws -> RemoteThread {
        try RemoteThread(wire: try await call(.POST, "/threads", body: ["metadata": .object(metadata)]))
    }

    /// Merges `metadata` into the thread's.
    public func updateThread(_ id: String, metadata: [String: Value]) async throws {
        _ = try await call(.PATCH, "/threads/" + Self.segment(id), body: ["metadata": .object(metadata)])
    }

    public func deleteThread(_ id: String) async throws {
        _ = try await call(.DELETE, "/threads/" + Self.segment(id))
    }

    public func state(_ id: String) async throws -> RemoteThreadState {
        RemoteThreadState(wire: try await call(.GET, "/threads/" + Self.segment(id) + "/state"))
    }

    /// The thread's checkpoints, newest first, at most `limit`.
    public func history(_ id: String, limit: Int) async throws -> [RemoteCheckpoint] {
        let answer = try await call(.POST, "/threads/" + Self.segment(id) + "/history", body: ["limit": .int(limit)])
        return (answer.arrayValue ?? []).compactMap(RemoteCheckpoint.init(wire:))
    }

    /// Writes `values` to the thread's state as if node `asNode` had returned them.
    public func updateState(_ id: String, values: Value, asNode: String?) async throws {
        var body: [String: Value] = ["values": values]
        if let asNode { body["as_node"] = .string(asNode) }
        _ = try await call(.POST, "/threads/" + Self.segment(id) + "/state", body: .object(body))
    }

    // MARK: runs

    /// Starts a run on the thread and streams it.
    public func stream(threadId: String, _ run: RunStreamRequest) -> AsyncThrowingStream<RunStreamPart, Error> {
        var request = request(.POST, "/threads/" + Self.segment(threadId) + "/runs/stream")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.body = .bytes(ByteBuffer(string: JSON.serialize(run.body, sortKeys: false)))
        return events(request)
    }

    /// Joins a run's stream; with `lastEventId`, only what came after that event.
    public func join(threadId: String, runId: String, lastEventId: String?) -> AsyncThrowingStream<RunStreamPart, Error> {
        var request = request(.GET, "/threads/" + Self.segment(threadId) + "/runs/" + Self.segment(runId) + "/stream?cancel_on_disconnect=false")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventId { request.headers.add(name: "Last-Event-ID", value: lastEventId) }
        return events(request)
    }

    /// Every run on the thread from now on (`threads.join_stream`): each one's
    /// events, then `metadata {"status": "run_done", "run_id"}`; it ends when the server does.
    public func followThread(_ threadId: String) -> AsyncThrowingStream<RunStreamPart, Error> {
        var request = request(.GET, "/threads/" + Self.segment(threadId) + "/stream")
        request.headers.add(name: "Accept", value: "text/event-stream")
        return events(request)
    }

    /// The run's status: `pending`, `running`, `success`, `error`, `interrupted`, `timeout`.
    public func runStatus(threadId: String, runId: String) async throws -> String {
        let run = try await call(.GET, "/threads/" + Self.segment(threadId) + "/runs/" + Self.segment(runId))
        guard let status = run["status"]?.stringValue else { throw RemoteError.malformed("a run without status") }
        return status
    }

    /// Stops the run on the server (its last checkpoint is kept); with
    /// `wait`, returns once the run has ended, so the thread takes writes again.
    public func cancel(threadId: String, runId: String, wait: Bool = false) async throws {
        _ = try await call(.POST, "/threads/" + Self.segment(threadId) + "/runs/" + Self.segment(runId)
                           + "/cancel?wait=\(wait ? 1 : 0)&action=interrupt", timeout: .seconds(10))
    }

    /// `cancel` from a task of its own, which the caller's cancellation does not stop
    /// (the caller is usually a reader that was just cancelled); a failure is ignored.
    public func cancelDetached(threadId: String, runId: String, wait: Bool = false) async {
        let client = self
        await Task.detached { try? await client.cancel(threadId: threadId, runId: runId, wait: wait) }.value
    }

    // MARK: transport

    private func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "chorus")
        if let apiKey { request.headers.add(name: "x-api-key", value: apiKey) }
        return request
    }

    private func call(_ method: HTTPMethod, _ path: String, body: Value? = nil, timeout: TimeAmount = .seconds(30)) async throws -> Value {
        try await exchange(method, path, body: body, timeout: timeout).value
    }

    /// One request and its JSON answer (`null` for an empty body), with the answer's headers.
    private func exchange(_ method: HTTPMethod, _ path: String, body: Value? = nil, timeout: TimeAmount = .seconds(30)) async throws -> (value: Value, headers: HTTPHeaders) {
        var request = request(method, path)
        if let body { request.body = .bytes(ByteBuffer(string: JSON.serialize(body, sortKeys: false))) }
        let response = try await send(request, timeout: timeout)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw RemoteError.unreachable(url: baseURL, reason: "the answer broke off (\(error))")
        }
        guard bytes.readableBytes > 0 else { return (.null, response.headers) }
        do {
            return (try JSON.parse(bytes: Array(bytes.readableBytesView)), response.headers)
        } catch {
            throw RemoteError.malformed("\(method) \(path) answered with something that is not JSON")
        }
    }

    /// Sends the request; anything but 2xx becomes the `RemoteError` it means.
    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RemoteError.unreachable(url: baseURL, reason: Self.reason(error))
        }
        let status = Int(response.status.code)
        guard !(200..<300).contains(status) else { return response }
        let text = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
        let detail = Self.detail(text, status: status)
        switch status {
        case 401, 403: throw RemoteError.unauthorized(status: status, keyVariable: keyVariable)
        case 404: throw RemoteError.notFound(detail)
        case 400..<500: throw RemoteError.rejected(status: status, detail: detail)
        default: throw RemoteError.serverError(status: status, detail: detail)
        }
    }

    /// A run stream's events, until the server closes it. A stream that goes quiet
    /// for `streamIdleLimit` seconds once its answer began ends with `RemoteError.stalled`
    /// (before that, the HTTP client's connect and read timeouts apply).
    private func events(_ request: HTTPClientRequest) -> AsyncThrowingStream<RunStreamPart, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RunStreamPart.self, throwing: Error.self)
        let idleLimit = streamIdleLimit
        let url = baseURL
        let reader = Task {
            let lastHeard = Locked<ContinuousClock.Instant?>(nil)
            let stalled = Locked(false)
            let readTask = Task {
                let response = try await self.send(request, timeout: .hours(24))
                lastHeard.withLock { $0 = .now }
                var parser = SSEParser()
                for try await buffer in response.body {
                    lastHeard.withLock { $0 = .now }
                    for event in parser.feed(buffer.readableBytesView) { continuation.yield(try Self.part(event)) }
                }
                for event in parser.finish() { continuation.yield(try Self.part(event)) }
            }
            let watchdog = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(Int(max(0.05, idleLimit / 4) * 1000)))
                    if let heard = lastHeard.withLock({ $0 }), ContinuousClock.now - heard > .milliseconds(Int(idleLimit * 1000)) {
                        stalled.withLock { $0 = true }
                        // The reader is told at once; the request ends when its read notices the cancellation.
                        continuation.finish(throwing: RemoteError.stalled(seconds: idleLimit))
                        readTask.cancel()
                        return
                    }
                }
            }
            let outcome = await withTaskCancellationHandler { await readTask.result } onCancel: { readTask.cancel() }
            watchdog.cancel()
            switch outcome {
            case .success:
                continuation.finish()
            case .failure(let error):
                if stalled.withLock({ $0 }) {
                    continuation.finish(throwing: RemoteError.stalled(seconds: idleLimit))
                } else if error is RemoteError || error is CancellationError {
                    continuation.finish(throwing: error)
                } else {
                    continuation.finish(throwing: RemoteError.unreachable(url: url, reason: "the stream broke off (\(Self.reason(error)))"))
                }
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }

    static func part(_ event: SSEEvent) throws -> RunStreamPart {
        let data: Value
        do {
            data = event.data.isEmpty ? .null : try JSON.parse(event.data)
        } catch {
            throw RemoteError.malformed("a '\(event.type)' event whose data is not JSON")
        }
        return RunStreamPart(event: event.type, data: data, id: event.lastEventId.isEmpty ? nil : event.lastEventId)
    }

    /// The server's `{"detail": …}` (or its text), one line, cut to 300 characters.
    static func detail(_ body: String, status: Int) -> String {
        var text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if let parsed = try? JSON.parse(text), let detail = parsed["detail"] ?? parsed["message"] {
            text = detail.stringValue ?? JSON.serialize(detail)
        }
        if text.isEmpty { text = "HTTP \(status)" }
        return String(text.replacingOccurrences(of: "\n", with: " ").prefix(300))
    }

    /// A transport failure in a few words.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timedOut") { return "timed out" }
        if text.localizedCaseInsensitiveContains("remoteConnectionClosed") { return "the server closed the connection" }
        return text
    }

    /// A path segment with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
