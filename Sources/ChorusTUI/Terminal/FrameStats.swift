/// Durations of frames, for the trace and the benchmarks: count, quantiles
/// and the longest. It keeps a histogram, not the samples: 32 buckets per
/// power of two nanoseconds, so a quantile is within 1/32 (3%) above the
/// true value, and a session of any length holds at most 1,920 counters.
public struct FrameStats: Sendable, Equatable {
    /// Buckets per power of two; durations under this many nanoseconds are counted exactly.
    static let bucketsPerOctave = 32
    private static let octaveBits = 5

    /// Frames counted per bucket; grows only to the bucket of the longest frame.
    private(set) var buckets: [Int] = []
    /// Frames recorded.
    public private(set) var count = 0
    /// The longest frame, exact for a session (a bucket's bound after `since`).
    public private(set) var longest: Duration = .zero

    public init() {}

    public mutating func record(_ duration: Duration) {
        let index = Self.bucket(of: duration.nanoseconds)
        if buckets.count <= index { buckets.append(contentsOf: repeatElement(0, count: index + 1 - buckets.count)) }
        buckets[index] += 1
        count += 1
        longest = max(longest, duration)
    }

    /// The `q` quantile (0…1) in milliseconds (the bound of its bucket, at
    /// most the longest frame); 0 with no samples.
    public func percentile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = min(count - 1, Int((Double(count - 1) * q).rounded(.up)))
        var seen = 0
        for (index, frames) in buckets.enumerated() {
            seen += frames
            if seen > rank {
                return min(Double(Self.upperBound(of: index)) / 1e6, longest.milliseconds)
            }
        }
        return longest.milliseconds
    }

    /// The frames recorded after `earlier`, a copy of these stats taken before.
    public func since(_ earlier: FrameStats) -> FrameStats {
        var window = FrameStats()
        window.buckets = buckets.enumerated().map { index, frames in
            frames - (index < earlier.buckets.count ? earlier.buckets[index] : 0)
        }
        window.count = count - earlier.count
        if let last = window.buckets.lastIndex(where: { $0 > 0 }) {
            window.longest = min(longest, .nanoseconds(Int64(clamping: Self.upperBound(of: last))))
        }
        return window
    }

    /// The bucket of a duration in nanoseconds: exact below 32, then 32 per power of two.
    static func bucket(of nanoseconds: UInt64) -> Int {
        guard nanoseconds >= UInt64(bucketsPerOctave) else { return Int(nanoseconds) }
        let octave = 63 - nanoseconds.leadingZeroBitCount
        let shift = octave - octaveBits
        let step = Int(nanoseconds >> UInt64(shift)) - bucketsPerOctave
        return (shift + 1) * bucketsPerOctave + step
    }

    /// The largest duration in nanoseconds that falls in bucket `index`.
    static func upperBound(of index: Int) -> UInt64 {
        guard index >= bucketsPerOctave else { return UInt64(index) }
        let shift = index / bucketsPerOctave - 1
        let step = UInt64(index % bucketsPerOctave + bucketsPerOctave)
        return step << UInt64(shift) + ((1 << UInt64(shift)) - 1)
    }
}

extension Duration {
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// Whole nanoseconds, 0 for a negative duration.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(clamping: seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
