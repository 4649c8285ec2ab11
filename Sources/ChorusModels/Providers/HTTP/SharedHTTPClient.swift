import AsyncHTTPClient

/// The process-wide AsyncHTTPClient of the LangGraph server client and the
/// MCP HTTP transport: one connection pool (64 connections per host), connect
/// and idle-read timeouts. It lives as long as the process. (Model providers
/// use `ProviderHTTPClient`, which keeps every byte read before a cut.)
///
/// A connection that cannot be made fails the request at once: the client's
/// own silent reconnecting (until the connect timeout) made a refused port
/// take 42 s to fail.
public enum SharedHTTPClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
