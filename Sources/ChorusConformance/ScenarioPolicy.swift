import ChorusGraph

/// A scenario node's policies (FORMAT.md §2.2, extension): `"defer": true`,
/// `"retry": {max_attempts, initial_interval, backoff_factor, max_interval,
/// jitter, retry_on: [Python exception names]}`, `"timeout": {run, idle}`
/// in seconds, `"cache": {ttl}`.
enum ScenarioPolicy {
    static func parse(_ spec: Value) throws -> NodePolicy {
        var policy = NodePolicy(deferred: spec["defer"]?.isTruthy ?? false)
        if let retry = spec["retry"] {
            guard retry.objectValue != nil else { throw ScenarioError("'retry' must be an object: \(retry)") }
            let defaults = RetryPolicy()
            var parsed = RetryPolicy(
                initialInterval: retry["initial_interval"]?.doubleValue ?? defaults.initialInterval,
                backoffFactor: retry["backoff_factor"]?.doubleValue ?? defaults.backoffFactor,
                maxInterval: retry["max_interval"]?.doubleValue ?? defaults.maxInterval,
                maxAttempts: retry["max_attempts"]?.intValue ?? defaults.maxAttempts,
                jitter: retry["jitter"]?.isTruthy ?? defaults.jitter)
            if let names = retry["retry_on"]?.arrayValue?.compactMap(\.stringValue) {
                parsed.retryOn = { error in
                    guard let failure = error as? ScenarioFailure else { return false }
                    return names.contains { failure.isInstance(of: $0) }
                }
            }
            policy.retry = [parsed]
        }
        if let timeout = spec["timeout"] {
            policy.timeout = TimeoutPolicy(run: timeout["run"]?.doubleValue, idle: timeout["idle"]?.doubleValue)
            if policy.timeout == nil { throw ScenarioError("'timeout' needs a positive 'run' or 'idle': \(timeout)") }
        }
        if let cache = spec["cache"] {
            policy.cache = CachePolicy(ttl: cache["ttl"]?.doubleValue)
        }
        return policy
    }
}
