import AsyncHTTPClient
import ChorusGraph
import ChorusModels
import Foundation
import Logging
import MCP
import NIOCore

/// MCP's streamable HTTP transport, for servers reached by URL: each message
/// is a POST; the server answers with one JSON message, an SSE stream of them,
/// or 202 for notifications. The session id the server gives at
/// `initialize` goes with every later request, and the session is deleted
/// on disconnect. Used with the SDK's `Client` in place of its own HTTP
/// transport, which cannot read SSE replies on Linux.
///
/// A reply stream that breaks off, or a session the server no longer knows,
/// calls `onClose`, whose owner disconnects the client so pending calls fail.
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let endpoint: String
    private let headers: [String: String]
    private let onClose: @Sendable () -> Void
    private let messages: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var sessionId: String?
    private var protocolVersion: String?
    private var readers: [UUID: Task<Void, Never>] = [:]
    private var closed = false

    static let maxMessageBytes = 32 << 20

    init(endpoint: String, headers: [String: String], logger: Logger, onClose: @escaping @Sendable () -> Void) {
        self.endpoint = endpoint
        self.headers = headers
        self.logger = logger
        self.onClose = onClose
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: Swift.Error.self)
    }

    func connect() async throws {}

    func disconnect() async {
        guard !closed else { return }
        closed = true
        for reader in readers.values { reader.cancel() }
        readers = [:]
        continuation.finish()
        if let sessionId {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .DELETE
            request.headers.add(name: "Mcp-Session-Id", value: sessionId)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            _ = try? await SharedHTTPClient.shared.execute(request, timeout: .seconds(5))
        }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { messages }

    func send(_ data: Data) async throws {
        guard !closed else { throw MCPError.connectionClosed }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let sessionId { request.headers.add(name: "Mcp-Session-Id", value: sessionId) }
        if let protocolVersion { request.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await SharedHTTPClient.shared.execute(request, timeout: .seconds(3600))
        } catch {
            throw MCPError.transportError(error)
        }
        let status = Int(response.status.code)
        if let id = response.headers.first(name: "Mcp-Session-Id") { sessionId = id }
        guard (200..<300).contains(status) else {
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            if status == 404, sessionId != nil { onClose() }
            let detail = body.trimmingCharacters(in: .whitespacesAndNewlines)
            throw MCPError.internalError("HTTP \(status)" + (detail.isEmpty ? "" : ": " + String(detail.prefix(300))))
        }
        if status == 202 { return }
        let type = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") {
            // Read the stream apart from the call: the client's next messages need not wait for it.
            let id = UUID()
            readers[id] = Task { await self.read(events: response.body, reader: id) }
        } else {
            let body = try await response.body.collect(upTo: Self.maxMessageBytes)
            deliver(Data(body.readableBytesView))
        }
    }

    private func read(events body: HTTPClientResponse.Body, reader: UUID) async {
        var parser = SSEParser()
        do {
            for try await buffer in body {
                for event in parser.feed(buffer.readableBytesView) where !event.data.isEmpty {
                    deliver(Data(event.data.utf8))
                }
            }
            for event in parser.finish() where !event.data.isEmpty { deliver(Data(event.data.utf8)) }
        } catch {
            if !Task.isCancelled && !closed {
                logger.error("MCP reply stream broke off: \(error)")
                onClose()
            }
        }
        readers[reader] = nil
    }

    /// Passes a message on; the `initialize` result's protocol version goes with later requests.
    private func deliver(_ message: Data) {
        if protocolVersion == nil, let version = (try? JSON.parse(bytes: Array(message)))?["result"]?["protocolVersion"]?.stringValue {
            protocolVersion = version
        }
        continuation.yield(message)
    }
}
