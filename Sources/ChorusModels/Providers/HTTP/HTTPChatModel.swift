import AsyncHTTPClient
import ChorusGraph
import Foundation
import NIOCore
import NIOHTTP1

/// A chat model reached over HTTP: sends the request, streams the reply,
/// retries what can be retried before the first token, and maps failures to
/// `ChatProviderError`. Cancelling the consumer closes the HTTP stream.
public struct HTTPChatModel: ChatModel {
    let format: any ChatWireFormat
    let client: HTTPClient
    let retry: RequestRetryPolicy
    public let displayName: String
    /// Redacted from every error message, in case a server echoes it.
    let secret: String?

    init(format: any ChatWireFormat, displayName: String, client: HTTPClient, retry: RequestRetryPolicy, secret: String?) {
        self.format = format
        self.displayName = displayName
        self.client = client
        self.retry = retry
        self.secret = secret
    }

    public func stream(_ request: ChatRequest) -> ChatStream {
        let (stream, continuation) = ChatStream.makeStream()
        let task = Task {
            var attempt = 0
            var delivered = false
            while true {
                attempt += 1
                do {
                    try await once(request) { chunks in
                        if !delivered { delivered = chunks.contains { if case .text = $0 { true } else { false } } }
                        continuation.yield(contentsOf: chunks)
                    }
                    continuation.finish()
                    return
                } catch {
                    if Task.isCancelled {
                        continuation.finish(throwing: CancellationError())
                        return
                    }
                    let failure = redact(map(error))
                    if !delivered, failure.isRetryable, attempt < retry.maxAttempts {
                        let wait = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
                        continuation.yield(.retrying(RetryNotice(attempt: attempt + 1, maxAttempts: retry.maxAttempts,
                                                                 delay: wait, reason: failure.description)))
                        do {
                            try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                        } catch {
                            continuation.finish(throwing: CancellationError())
                            return
                        }
                        continue
                    }
                    continuation.finish(throwing: failure)
                    return
                }
            }
        }
        continuation.onTermination { task.cancel() }
        return stream
    }

    /// One attempt; `deliver` gets the chunks decoded from each read of the body, together.
    private func once(_ request: ChatRequest, deliver: ([ChatChunk]) -> Void) async throws {
        let response = try await client.execute(try format.httpRequest(for: request), timeout: .seconds(3600))
        let status = Int(response.status.code)
        if status >= 400 {
            let body = try await response.body.collect(upTo: 64 * 1024)
            throw format.error(status: status, body: String(buffer: body),
                               retryAfter: RequestRetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after")))
        }
        var decoder = format.makeDecoder()
        for try await buffer in response.body {
            deliver(try decoder.feed(buffer))
        }
        deliver(try decoder.finish())
    }

    private func map(_ error: any Error) -> ChatProviderError {
        if let e = error as? ChatProviderError { return e }
        if let e = error as? HTTPClientError {
            if e == .readTimeout { return .connection(provider: format.provider, detail: "no data from the server for too long") }
            if e == .connectTimeout { return .connection(provider: format.provider, detail: "could not connect in time") }
            if e == .remoteConnectionClosed { return .connection(provider: format.provider, detail: "the server closed the connection") }
            return .connection(provider: format.provider, detail: "\(e)")
        }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
            return .connection(provider: format.provider, detail: "connection refused (is the server running at the base URL?)")
        }
        return .connection(provider: format.provider, detail: "\(error)")
    }

    private func redact(_ error: ChatProviderError) -> ChatProviderError {
        guard let secret, !secret.isEmpty else { return error }
        let clean = { (s: String) in s.replacingOccurrences(of: secret, with: "[redacted]") }
        switch error {
        case .unauthorized(let p, let m): return .unauthorized(provider: p, message: clean(m))
        case .notFound(let p, let m): return .notFound(provider: p, message: clean(m))
        case .contextOverflow(let p, let m): return .contextOverflow(provider: p, message: clean(m))
        case .rateLimited(let p, let a, let m): return .rateLimited(provider: p, retryAfter: a, message: clean(m))
        case .http(let p, let s, let m): return .http(provider: p, status: s, message: clean(m))
        case .badResponse(let p, let d): return .badResponse(provider: p, detail: clean(d))
        case .connection(let p, let d): return .connection(provider: p, detail: clean(d))
        case .streamError(let p, let t, let m): return .streamError(provider: p, type: t, message: clean(m))
        }
    }
}

/// The process-wide HTTP client for model providers: one connection pool
/// (64 connections per host, at least any run's `maxConcurrency` in practice),
/// connect and idle-read timeouts. It lives as long as the process.
///
/// A connection that cannot be made fails the attempt at once: the client's
/// own silent reconnecting (until the connect timeout, per attempt) made a
/// refused port take 42 s to fail. `RequestRetryPolicy` retries instead, announcing
/// each retry, as the official SDKs do.
public enum ChatHTTPClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
