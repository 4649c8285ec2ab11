/// A provider's limits per minute (`requests_per_minute`, `tokens_per_minute`
/// in its `[providers.NAME]` section); nil: no limit.
public struct RateLimits: Sendable, Hashable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    public var isEmpty: Bool { requestsPerMinute == nil && tokensPerMinute == nil }

    /// `50 requests/min, 40000 tokens/min`.
    public var description: String {
        [requestsPerMinute.map { "\($0) requests/min" }, tokensPerMinute.map { "\($0) tokens/min" }].compactMap { $0 }.joined(separator: ", ")
    }
}
