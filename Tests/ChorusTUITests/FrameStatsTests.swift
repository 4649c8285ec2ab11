import Testing
@testable import ChorusTUI

@Suite struct FrameStatsTests {
    @Test func quantilesAreWithinThreePercentAboveTheTrueValue() {
        var stats = FrameStats()
        // 1 µs … 10 ms, each once: the true q-quantile is the sample at rank q·(n-1), rounded up.
        let samples = (1...10_000).map { Duration.nanoseconds($0 * 1_000) }
        for sample in samples.shuffled() { stats.record(sample) }
        #expect(stats.count == 10_000)
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let exact = samples[Int((Double(samples.count - 1) * q).rounded(.up))].milliseconds
            let reported = stats.percentile(q)
            #expect(reported >= exact && reported <= exact * (1 + 1.0 / 32), "q \(q): \(reported) ms for \(exact) ms")
        }
        #expect(stats.percentile(1) == 10)
        #expect(stats.longest == .milliseconds(10))
    }

    @Test func bucketsCoverEveryDurationInOrderWithoutGaps() {
        var previous = -1
        for nanoseconds: UInt64 in [0, 1, 31, 32, 33, 63, 64, 65, 66, 127, 128, 1_000_000, 16_000_000, UInt64.max] {
            let bucket = FrameStats.bucket(of: nanoseconds)
            #expect(bucket >= previous)
            #expect(FrameStats.upperBound(of: bucket) >= nanoseconds)
            if bucket > 0 { #expect(FrameStats.upperBound(of: bucket - 1) < nanoseconds) }
            previous = bucket
        }
        #expect(FrameStats.bucket(of: .max) == 1_919)
    }

    @Test func aLongSessionKeepsTheSameMemory() {
        var stats = FrameStats()
        for i in 0..<200_000 { stats.record(.microseconds(200 + i % 3_000)) }
        let afterMany = stats
        for i in 0..<200_000 { stats.record(.microseconds(200 + i % 3_000)) }
        // The same counters, counting twice as many frames.
        #expect(stats.count == 2 * afterMany.count)
        #expect(stats.buckets.count == afterMany.buckets.count)
        #expect(afterMany.buckets.count <= 1_920)
        #expect(stats.since(afterMany).percentile(0.5) == afterMany.percentile(0.5))
    }

    @Test func aWindowHoldsOnlyTheFramesAfterItsStart() {
        var stats = FrameStats()
        for _ in 0..<1_000 { stats.record(.milliseconds(40)) }
        let start = stats
        for _ in 0..<100 { stats.record(.microseconds(500)) }
        let window = stats.since(start)
        #expect(window.count == 100)
        #expect(window.percentile(0.99) <= 0.5 * (1 + 1.0 / 32))
        #expect(window.longest < .milliseconds(1))
        #expect(FrameStats().since(FrameStats()).percentile(0.5) == 0)
    }
}
