/// A provider failure, typed so the app can say what to do about it. Never
/// contains the API key.
public enum ChatProviderError: Error, Equatable, CustomStringConvertible, Sendable {
    /// 401/403: the key is missing, wrong or lacks access.
    case unauthorized(provider: String, message: String)
    /// 404: no such model (or endpoint).
    case notFound(provider: String, message: String)
    /// 400 because the conversation is longer than the model's context.
    case contextOverflow(provider: String, message: String)
    /// 429 after retries; `retryAfter` seconds when the server said.
    case rateLimited(provider: String, retryAfter: Double?, message: String)
    /// Another HTTP error status after retries (5xx, 529 overloaded, other 4xx).
    case http(provider: String, status: Int, message: String)
    /// The server sent something that is not the protocol (e.g. a malformed JSON chunk).
    case badResponse(provider: String, detail: String)
    /// The connection failed, stalled or closed before the reply was complete.
    case connection(provider: String, detail: String)
    /// A stream error event from the provider (e.g. Anthropic `overloaded_error` mid-stream).
    case streamError(provider: String, type: String, message: String)

    public var description: String {
        switch self {
        case .unauthorized(let p, let m): return "\(p): the API key was refused (\(m)). Check the key's environment variable."
        case .notFound(let p, let m): return "\(p): unknown model or endpoint (\(m))."
        case .contextOverflow(let p, let m): return "\(p): the conversation is too long for the model (\(m)). Start a new thread or trim it."
        case .rateLimited(let p, let after, let m):
            return "\(p): rate limited\(after.map { String(format: "; retry in %.0f s", $0) } ?? "") (\(m))."
        case .http(let p, let status, let m): return "\(p): HTTP \(status) (\(m))."
        case .badResponse(let p, let d): return "\(p): unreadable reply: \(d)."
        case .connection(let p, let d): return "\(p): connection problem: \(d)."
        case .streamError(let p, let t, let m): return "\(p): \(t): \(m)."
        }
    }

    /// The provider said the request is longer than the model's context window.
    public var isContextOverflow: Bool {
        if case .contextOverflow = self { return true }
        return false
    }

    /// Whether trying again (before any token arrived) may succeed.
    var isRetryable: Bool {
        switch self {
        case .rateLimited, .connection: return true
        case .http(_, let status, _): return status == 408 || status == 409 || status >= 500
        case .streamError(_, let type, _): return type == "overloaded_error" || type == "api_error"
        default: return false
        }
    }

    var retryAfter: Double? {
        if case .rateLimited(_, let after, _) = self { return after }
        return nil
    }
}
