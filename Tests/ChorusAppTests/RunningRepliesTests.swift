@testable import ChorusApp
@testable import ChorusAppCore
import ChorusTesting
import Testing

/// Reply runs are held only while they run: a session replying in thousands
/// of threads keeps none of the finished ones.
@Suite struct RunningRepliesTests {
    @Test func aRunIsLetGoWhenItEndsEvenAfterMovingToItsThread() async {
        let replies = RunningReplies()
        let release = Signal()
        replies.start(.thread(.draft)) { await release.wait() }
        let run = replies.all
        #expect(run.count == 1)
        replies.move(.thread(.draft), to: .thread(.thread("t1")))
        #expect(replies.take(.thread(.draft)) == nil)
        release.fire()
        for task in run { await task.value }
        #expect(replies.all.isEmpty)
    }

    @Test func aRunReplacedInItsSlotLeavesTheNewOneTracked() async {
        let replies = RunningReplies()
        let first = Signal(), second = Signal()
        replies.start(.thread(.thread("t1"))) { await first.wait() }
        let old = replies.all
        replies.start(.thread(.thread("t1"))) { await second.wait() }
        first.fire()
        for task in old { await task.value }
        let still = replies.all
        #expect(still.count == 1)
        // Taken out, it is no longer awaited on quit, and can be cancelled.
        let taken = replies.take(.thread(.thread("t1")))
        #expect(taken != nil && replies.all.isEmpty)
        second.fire()
        await taken?.value
    }
}
