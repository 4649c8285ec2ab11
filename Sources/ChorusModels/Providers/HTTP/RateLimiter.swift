import ChorusSupport

/// Token buckets for one provider's `RateLimits`, shared by every call to it
/// in the process (every research branch, every run), so that many calls at
/// once wait their turn instead of drawing 429s. Each call reserves its
/// share before it is sent and learns how long to wait; a bucket holds one
/// second's worth, so calls go out evenly over the minute (providers enforce
/// their per-minute limits over shorter windows too). A call's tokens are
/// reserved from an estimate of its prompt and reply, then set right by what
/// the provider counted.
public final class RateLimiter: Sendable {
    public let limits: RateLimits
    private let buckets: Locked<(requests: TokenBucket?, tokens: TokenBucket?)>

    init(_ limits: RateLimits, now: ContinuousClock.Instant = .now) {
        self.limits = limits
        buckets = Locked((limits.requestsPerMinute.map { TokenBucket(perMinute: $0, now: now) },
                          limits.tokensPerMinute.map { TokenBucket(perMinute: $0, now: now) }))
    }

    private static let registry = Locked<[Key: RateLimiter]>([:])
    private struct Key: Hashable {
        var provider: String
        var limits: RateLimits
    }

    /// The process's limiter for provider `name` with these limits (made on first use); nil without limits.
    public static func shared(provider name: String, limits: RateLimits) -> RateLimiter? {
        guard !limits.isEmpty else { return nil }
        return registry.withLock { all in
            let key = Key(provider: name, limits: limits)
            if let limiter = all[key] { return limiter }
            let limiter = RateLimiter(limits)
            all[key] = limiter
            return limiter
        }
    }

    /// Reserves one request of about `tokens`; returns the seconds to wait before sending it (0: now).
    func reserve(tokens: Int, now: ContinuousClock.Instant = .now) -> Double {
        buckets.withLock { b in
            let requests = b.requests?.reserve(1, now: now) ?? 0
            let tokens = b.tokens?.reserve(Double(tokens), now: now) ?? 0
            return max(requests, tokens)
        }
    }

    /// Sets a call's reservation right: it was `estimated` tokens and the provider counted `actual`
    /// (a refund never fills the bucket past one second's worth).
    func settle(estimated: Int, actual: Int) {
        buckets.withLock { b in
            guard let bucket = b.tokens else { return }
            b.tokens?.level = min(bucket.capacity, bucket.level + Double(estimated - actual))
        }
    }
}

/// A bucket refilled at `perMinute / 60` a second up to one second's worth.
/// A reservation is taken at once (the level may go below zero: the calls
/// after it wait longer); it waits until the level would have covered it.
struct TokenBucket: Sendable {
    let rate: Double
    let capacity: Double
    var level: Double
    var updated: ContinuousClock.Instant

    init(perMinute: Int, now: ContinuousClock.Instant) {
        rate = Double(perMinute) / 60
        capacity = max(1, rate)
        level = capacity
        updated = now
    }

    /// Takes `amount`; returns the seconds until it is covered. More than the
    /// bucket holds waits only for a full bucket, then overdraws it.
    mutating func reserve(_ amount: Double, now: ContinuousClock.Instant) -> Double {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        level = min(capacity, level + max(0, seconds) * rate)
        updated = now
        let needed = min(amount, capacity)
        let wait = level >= needed ? 0 : (needed - level) / rate
        level -= amount
        return wait
    }
}
