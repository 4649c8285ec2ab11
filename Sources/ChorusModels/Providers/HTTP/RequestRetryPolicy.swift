/// When and how long to wait before trying a request again: exponential
/// backoff with full jitter, honouring `Retry-After`, and never once a token
/// has reached the caller.
public struct RequestRetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries (tests that want the first failure).
    public static let none = RequestRetryPolicy(maxAttempts: 1)

    /// Seconds to wait before attempt `attempt + 1` (attempt counts from 1).
    func delay(afterAttempt attempt: Int, retryAfter: Double?, random: Double = Double.random(in: 0...1)) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maxDelay) }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        return ceiling * random
    }

    /// Parses `Retry-After`: delta seconds (HTTP dates are treated as unknown).
    static func parseRetryAfter(_ header: String?) -> Double? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), let seconds = Double(header) else { return nil }
        return seconds
    }
}

import Foundation
