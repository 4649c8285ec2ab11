import ChorusGraph
import ChorusSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTP/1.1 client of the model providers. It streams a response's body
/// part by part as it is decoded, so the bytes a server sent just before
/// cutting the connection are read, not dropped with the error; keeps
/// finished connections alive for the next request to the same server; and
/// has a connect timeout and an idle-read timeout.
///
/// A connection that cannot be made fails the attempt at once;
/// `RequestRetryPolicy` retries instead, announcing each retry.
public final class ProviderHTTPClient: Sendable {
    /// How long to wait for a connection, and for the next byte of a response.
    public struct Timeouts: Sendable {
        public var connect: TimeAmount
        public var read: TimeAmount

        public init(connect: TimeAmount = .seconds(10), read: TimeAmount = .seconds(120)) {
            self.connect = connect
            self.read = read
        }
    }

    /// The process-wide client: one pool of connections for every provider.
    public static let shared = ProviderHTTPClient()

    /// Idle connections kept per server.
    static let idlePerOrigin = 16

    let timeouts: Timeouts
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let tlsError: String?
    private let idle = Locked<[RequestTarget.Origin: [any NIOCore.Channel]]>([:])

    /// `trustRoots` replaces the system's certificate authorities (tests use their own).
    public init(timeouts: Timeouts = Timeouts(), trustRoots: NIOSSLTrustRoots = .default) {
        self.timeouts = timeouts
        group = MultiThreadedEventLoopGroup.singleton
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = trustRoots
        do {
            tls = try NIOSSLContext(configuration: configuration)
            tlsError = nil
        } catch {
            tls = nil
            tlsError = "\(error)"
        }
    }

    /// Sends `request` and returns once the response's head has arrived.
    func execute(_ request: ProviderHTTPRequest) async throws -> ProviderHTTPResponse {
        let target = try RequestTarget(request.url)
        if let channel = takeIdle(target.origin) {
            do {
                return try await send(request, to: target, on: channel)
            } catch let error where Self.isStale(error) {
                // The server had closed the kept connection; the request goes once more on a new one.
            }
        }
        return try await send(request, to: target, on: try await connect(target.origin))
    }

    private func send(_ request: ProviderHTTPRequest, to target: RequestTarget, on channel: any NIOCore.Channel) async throws -> ProviderHTTPResponse {
        let (parts, continuation) = AsyncThrowingStream<HTTPClientResponsePart, any Error>.makeStream()
        continuation.onTermination = { reason in
            // The reader left before the end: the connection is mid-response and cannot be reused.
            if case .cancelled = reason { channel.close(promise: nil) }
        }
        var headers = request.headers
        headers.replaceOrAdd(name: "host", value: target.hostHeader)
        headers.replaceOrAdd(name: "content-length", value: String(request.body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target.path, headers: headers)
        let body = request.body
        do {
            try await write(head, body, on: channel, answersTo: continuation)
        } catch ProviderHTTPError.closed {
            throw ProviderHTTPError.closed
        } catch {
            // The write failed with the connection; its reason (a TLS handshake refused, say)
            // reaches the response parts, read below.
        }
        var iterator = parts.makeAsyncIterator()
        while true {
            switch try await iterator.next() {
            case .head(let head) where head.status.code >= 200:
                return ProviderHTTPResponse(head: head, parts: iterator)
            case .head, .body, .end:
                continue
            case nil:
                try Task.checkCancellation()
                throw ProviderHTTPError.closed
            }
        }
    }

    /// Hands the response's parts to `parts` and writes the request.
    private func write(_ head: HTTPRequestHead, _ body: ByteBuffer, on channel: any NIOCore.Channel,
                       answersTo parts: ResponsePartsHandler.Parts) async throws {
        try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            // A connection closed since it was kept has lost its handlers with it.
            guard channel.isActive, let handler = try? channel.pipeline.syncOperations.handler(type: ResponsePartsHandler.self) else {
                return channel.eventLoop.makeFailedFuture(ProviderHTTPError.closed)
            }
            handler.begin(parts)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            return channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        }.get()
    }

    private func connect(_ origin: RequestTarget.Origin) async throws -> any NIOCore.Channel {
        let tlsContext: NIOSSLContext?
        if origin.tls {
            guard let tls else { throw ProviderHTTPError.tls(tlsError ?? "no TLS context") }
            tlsContext = tls
        } else {
            tlsContext = nil
        }
        // SNI names a host, never an address.
        let serverName = (try? SocketAddress(ipAddress: origin.host, port: origin.port)) == nil ? origin.host : nil
        let readTimeout = timeouts.read
        let reusable: @Sendable (any NIOCore.Channel) -> Void = { [weak self] channel in self?.keepIdle(channel, for: origin) }
        let loop = group.next()
        // A TLS connection is ready once its handshake is done; a refusal fails it here, with its reason.
        let handshake = tlsContext == nil ? nil : loop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: loop)
            .connectTimeout(timeouts.connect)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try pipeline.addHandler(ResponsePartsHandler(reusable: reusable, handshake: handshake))
                }
            }
            .connect(host: origin.host, port: origin.port).get()
        if let handshake {
            do {
                try await handshake.futureResult.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }
        return channel
    }

    private func takeIdle(_ origin: RequestTarget.Origin) -> (any NIOCore.Channel)? {
        idle.withLock { pool in
            while let channel = pool[origin]?.popLast() {
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    private func keepIdle(_ channel: any NIOCore.Channel, for origin: RequestTarget.Origin) {
        let kept = idle.withLock { pool in
            pool[origin, default: []].removeAll { !$0.isActive }
            guard pool[origin, default: []].count < Self.idlePerOrigin else { return false }
            pool[origin, default: []].append(channel)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// A kept connection that failed before any answer: the server had let it go.
    private static func isStale(_ error: any Error) -> Bool {
        if error as? ProviderHTTPError == .closed { return true }
        return error is ChannelError || error is IOError
    }
}
