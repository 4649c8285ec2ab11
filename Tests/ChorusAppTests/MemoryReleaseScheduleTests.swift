@testable import ChorusApp
@testable import ChorusAppCore
import Testing

/// Free memory goes back to the system when the last reply ends, not while
/// another streams, and not more often than the interval.
@Suite struct MemoryReleaseScheduleTests {
    /// The schedule's answers to replies ending at these seconds from now (and whether others still stream).
    func answers(_ ends: [(seconds: Int, othersStreaming: Bool)]) -> [Bool] {
        var schedule = MemoryReleaseSchedule(interval: .seconds(10))
        let start = ContinuousClock.now
        return ends.map { schedule.replyEnded(at: start + .seconds($0.seconds), othersStreaming: $0.othersStreaming) }
    }

    @Test func releasesWhenTheLastReplyEndsAtMostOncePerInterval() {
        let ends = [(0, false), (5, false), (12, true), (12, false), (21, false), (22, false)]
        #expect(answers(ends) == [true, false, false, true, false, true])
    }

    @Test func aReplyEndingWhileOthersStreamDoesNotUseUpTheInterval() {
        #expect(answers([(0, true), (1, false)]) == [false, true])
    }
}
