import ChorusGraph
import ChorusSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// scripted reply, byte for byte: headers, body pieces (flushed one by one),
/// pauses, or a connection cut mid-stream. Provider tests use it to speak
/// each wire protocol exactly, failures included. A context-window probe
/// (`GET .../props`) gets a 404 of its own, as from a server without one.
public final class LoopbackHTTPServer: Sendable {
    /// One step of a scripted reply.
    public enum Step: Sendable {
        /// Status line and headers (`transfer-encoding: chunked` is added unless a length is given).
        case head(status: Int, headers: [(String, String)])
        /// Body bytes, written and flushed as one network chunk.
        case body(String)
        /// Wait before the next step.
        case pause(milliseconds: Int)
        /// Close the connection abruptly (no end of response).
        case cut
    }

    /// A request as received.
    public struct Request: Sendable {
        public let method: String
        public let uri: String
        public let headers: [(String, String)]
        public let body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private let channel: any NIOCore.Channel
    private let state: Locked<(scripts: [[Step]], requests: [Request])>
    /// Accepted connections, closed with the server so a client's pooled
    /// connection can never reach a later server that reuses the port.
    private let connections: Locked<[any NIOCore.Channel]>
    public let port: Int

    /// Whether the server speaks TLS (with `LoopbackTLS`'s certificate).
    public let tls: Bool

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` (the name the certificate holds).
    public var baseURL: String { tls ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)" }

    public init(tls: Bool = false) async throws {
        self.tls = tls
        let tlsContext = tls ? try LoopbackTLS.serverContext() : nil
        let state = Locked<(scripts: [[Step]], requests: [Request])>(([], []))
        let connections = Locked<[any NIOCore.Channel]>([])
        self.state = state
        self.connections = connections
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.withLock { $0.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tlsContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScriptHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Queues the reply to the next request.
    public func enqueue(_ steps: [Step]) {
        state.withLock { $0.scripts.append(steps) }
    }

    /// Every request received so far.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Connections accepted so far (a client that keeps connections alive opens fewer than its requests).
    public var connectionCount: Int { connections.withLock { $0.count } }

    /// Closes every connection accepted so far, as a server does with idle ones; the server still listens.
    public func closeConnections() async {
        for connection in connections.withLock({ $0 }) { try? await connection.close() }
    }

    public func shutdown() async {
        try? await channel.close()
        await closeConnections()
    }

    // MARK: replies for the wire protocols

    /// An SSE reply: `events` are written as separate network chunks.
    public static func sse(_ events: [String], status: Int = 200) -> [Step] {
        [.head(status: status, headers: [("content-type", "text/event-stream")])] + events.map { .body($0) }
    }

    /// A JSON error reply.
    public static func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> [Step] {
        [.head(status: status, headers: [("content-type", "application/json")] + headers), .body(body)]
    }

    final class ScriptHandler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: NIO calls a handler only on its channel's event loop, so
        // `head` and `body` are never touched from two threads; `state` is locked.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: Locked<(scripts: [[Step]], requests: [Request])>
        var head: HTTPRequestHead?
        var body = ""

        init(state: Locked<(scripts: [[Step]], requests: [Request])>) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = ""
            case .body(var buffer):
                body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                guard let head else { return }
                // A context-window probe (llama.cpp's `/props`) is answered as an OpenAI-compatible server
                // without it answers: 404, using no script and not counted among the requests.
                if head.method == .GET, head.uri.hasSuffix("/props") {
                    play(LoopbackHTTPServer.error(404, "{\"error\":{\"message\":\"not found\"}}")[...], context: context, keepAlive: head.isKeepAlive)
                    return
                }
                let request = Request(method: "\(head.method)", uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
                let script: [Step] = state.withLock { s in
                    s.requests.append(request)
                    return s.scripts.isEmpty ? LoopbackHTTPServer.error(500, "{\"error\":{\"message\":\"no scripted reply\"}}") : s.scripts.removeFirst()
                }
                play(script[...], context: context, keepAlive: head.isKeepAlive)
            }
        }

        private func play(_ steps: ArraySlice<Step>, context: ChannelHandlerContext, keepAlive: Bool) {
            guard let step = steps.first else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                if !keepAlive { context.close(promise: nil) }
                return
            }
            let rest = steps.dropFirst()
            switch step {
            case .head(let status, let headers):
                var h = HTTPHeaders(headers)
                if !h.contains(name: "content-length") { h.add(name: "transfer-encoding", value: "chunked") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: h))), promise: nil)
                play(rest, context: context, keepAlive: keepAlive)
            case .body(let text):
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
                play(rest, context: context, keepAlive: keepAlive)
            case .pause(let ms):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(ms))) {
                    let (handler, context) = loopBound.value
                    handler.play(rest, context: context, keepAlive: keepAlive)
                }
            case .cut:
                context.flush()
                context.close(promise: nil)
            }
        }
    }
}
