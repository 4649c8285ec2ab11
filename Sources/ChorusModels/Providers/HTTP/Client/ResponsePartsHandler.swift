import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// The last handler of a provider connection. It passes each response part
/// to the request in flight the moment the decoder hands it over, so parts
/// decoded while the connection closes still arrive, ahead of the error.
/// After a complete keep-alive response it gives the connection back for reuse.
final class ResponsePartsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias Parts = AsyncThrowingStream<HTTPClientResponsePart, any Error>.Continuation

    /// Called with the channel after a complete response that lets it be reused.
    private let reusable: @Sendable (any NIOCore.Channel) -> Void
    /// Completed when the TLS handshake is done, or failed with its reason.
    private var handshake: EventLoopPromise<Void>?
    private var parts: Parts?
    private var keepAlive = false

    init(reusable: @escaping @Sendable (any NIOCore.Channel) -> Void, handshake: EventLoopPromise<Void>?) {
        self.reusable = reusable
        self.handshake = handshake
    }

    /// Starts an exchange: the response's parts go to `parts`.
    func begin(_ parts: Parts) {
        self.parts?.finish(throwing: ProviderHTTPError.closed)
        self.parts = parts
        keepAlive = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let parts else { return }
        switch part {
        case .head(let head):
            keepAlive = head.isKeepAlive
            parts.yield(part)
        case .body:
            parts.yield(part)
        case .end:
            // Back in the pool before the reader hears of the end, so its next request finds it there;
            // and a reader that leaves once it has the end no longer closes the connection.
            self.parts = nil
            parts.onTermination = nil
            if keepAlive { reusable(context.channel) } else { context.close(promise: nil) }
            parts.yield(part)
            parts.finish()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's and TLS's words for a close in the middle of a response.
        let closed = error as? HTTPParserError == .invalidEOFState || error as? NIOSSLError == .uncleanShutdown
        fail(closed ? ProviderHTTPError.closed : error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ProviderHTTPError.closed)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            handshake?.succeed()
            handshake = nil
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // A request waiting this long times out; an idle pooled connection is simply let go.
            fail(ProviderHTTPError.readTimeout)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(ProviderHTTPError.closed)
    }

    private func fail(_ error: any Error) {
        handshake?.fail(error)
        handshake = nil
        parts?.finish(throwing: error)
        parts = nil
    }
}
