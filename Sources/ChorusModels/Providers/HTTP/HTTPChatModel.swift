import ChorusGraph
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A chat model reached over HTTP: sends the request, streams the reply,
/// retries what can be retried before the first token, and maps failures to
/// `ChatProviderError`. Cancelling the consumer closes the HTTP stream.
public struct HTTPChatModel: ChatModel {
    let format: any ChatWireFormat
    let client: ProviderHTTPClient
    let retry: RequestRetryPolicy
    public let displayName: String
    /// Hides the API key in every error message, in case a server echoes it.
    let redactor: SecretRedactor?
    public var settings = ModelSettings()
    /// The provider's rate limits, shared by every call to it in the process; nil: none.
    public var rateLimiter: RateLimiter?
    /// The model's name as sent to the provider (what `[models."NAME"]` is keyed by).
    public var modelName: String { format.model }
    private let probe = ContextWindowProbe()

    init(format: any ChatWireFormat, displayName: String, client: ProviderHTTPClient, retry: RequestRetryPolicy, secret: String?) {
        self.format = format
        self.displayName = displayName
        self.client = client
        self.retry = retry
        self.redactor = SecretRedactor(secret: secret)
    }

    /// The config's window, else the provider's answer (asked once, when `probing`), else the documented default for the model's name.
    public func contextWindow(probing: Bool) async -> Int? {
        if let configured = settings.contextWindow { return configured }
        if let discovered = probing ? await probe.window(format: format, client: client) : await probe.answered { return discovered }
        return KnownContextWindows.window(for: format.model)
    }

    public func stream(_ request: ChatRequest) -> ChatStream {
        let (stream, continuation) = ChatStream.makeStream()
        let task = Task {
            var attempt = 0
            var delivered = false
            while true {
                attempt += 1
                do {
                    try await waitForRateLimit(request, attempt: attempt, continuation: continuation)
                } catch {
                    continuation.finish(throwing: CancellationError())
                    return
                }
                do {
                    var counted: Usage?
                    defer { settleRateLimit(request, counted: counted) }
                    try await once(request) { chunks in
                        if !delivered { delivered = chunks.contains { if case .text = $0 { true } else { false } } }
                        for case .usage(let usage) in chunks { counted = usage }
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

    /// The tokens a request is reckoned at before the provider counts them: its prompt and the reply it may write.
    private func estimatedTokens(_ request: ChatRequest) -> Int {
        TokenEstimate.of(request.messages) + (request.maxTokens ?? 0)
    }

    /// Waits for the provider's rate limit, if any; a wait is told like a retry.
    private func waitForRateLimit(_ request: ChatRequest, attempt: Int, continuation: ChatStream.Continuation) async throws {
        guard let rateLimiter else { return }
        let wait = rateLimiter.reserve(tokens: estimatedTokens(request))
        guard wait > 0 else { return }
        continuation.yield(.retrying(RetryNotice(attempt: attempt, maxAttempts: retry.maxAttempts, delay: wait,
                                                 reason: "\(format.provider): waiting for the rate limit (\(rateLimiter.limits.description))")))
        try await Task.sleep(for: .seconds(wait))
    }

    private func settleRateLimit(_ request: ChatRequest, counted: Usage?) {
        guard let rateLimiter, let counted else { return }
        rateLimiter.settle(estimated: estimatedTokens(request), actual: counted.inputTokens + counted.outputTokens)
    }

    /// One attempt; `deliver` gets the chunks decoded from each part of the body as it arrived.
    private func once(_ request: ChatRequest, deliver: ([ChatChunk]) -> Void) async throws {
        var response = try await client.execute(try format.httpRequest(for: request, settings: settings))
        if response.status >= 400 {
            let body = try await response.text(upTo: 64 * 1024)
            throw format.error(status: response.status, body: body,
                               retryAfter: RequestRetryPolicy.parseRetryAfter(response.head.headers.first(name: "retry-after")))
        }
        var decoder = format.makeDecoder()
        while let part = try await response.nextBodyPart() {
            deliver(try decoder.feed(part))
        }
        deliver(try decoder.finish())
    }

    private func map(_ error: any Error) -> ChatProviderError {
        if let e = error as? ChatProviderError { return e }
        let provider = format.provider
        switch error {
        case ProviderHTTPError.readTimeout:
            return .connection(provider: provider, detail: "no data from the server for too long")
        case ProviderHTTPError.closed:
            return .connection(provider: provider, detail: "the server closed the connection")
        case ProviderHTTPError.invalidURL(let url):
            return .connection(provider: provider, detail: "\(url) is not an http(s) URL")
        case ProviderHTTPError.tls(let why):
            return .connection(provider: provider, detail: "TLS cannot be set up: \(why)")
        case NIOSSLError.handshakeFailed(let reason):
            if "\(reason)".contains("CERTIFICATE_VERIFY_FAILED") {
                return .connection(provider: provider, detail: "the server's TLS certificate is not trusted (CERTIFICATE_VERIFY_FAILED)")
            }
            return .connection(provider: provider, detail: "the TLS handshake failed (\(reason))")
        case ChannelError.connectTimeout:
            return .connection(provider: provider, detail: "could not connect in time")
        case let e as NIOConnectionError:
            if e.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return .connection(provider: provider, detail: "connection refused (is the server running at the base URL?)")
            }
            if let dns = e.dnsAError ?? e.dnsAAAAError, e.connectionErrors.isEmpty {
                return .connection(provider: provider, detail: "cannot find \(e.host) (\(dns))")
            }
            return .connection(provider: provider, detail: "cannot connect to \(e.host):\(e.port) (\(e))")
        default:
            break
        }
        return .connection(provider: format.provider, detail: "\(error)")
    }

    private func redact(_ error: ChatProviderError) -> ChatProviderError {
        guard let redactor else { return error }
        let clean = redactor.redact
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
