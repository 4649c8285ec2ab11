/// Durations of frames, for the trace and the benchmark: count, p50, p99, max.
public struct FrameStats: Sendable {
    public private(set) var samples: [Duration] = []

    public init() {}

    public mutating func record(_ duration: Duration) { samples.append(duration) }

    /// The `q` quantile (0…1) in milliseconds; 0 with no samples.
    public func percentile(_ q: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded(.up)))
        return sorted[index].milliseconds
    }
}

extension Duration {
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
