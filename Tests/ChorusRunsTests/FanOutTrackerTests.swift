import Testing
@testable import ChorusRuns

@Suite struct FanOutTrackerTests {
    func token(_ text: String, task: String, step: Int = 1) -> RunToken {
        RunToken(text: text, messageId: "", node: "w", step: step, task: task)
    }

    /// Until a second task streams in the step, the first looks like the reply; then both are branches and
    /// the first's tokens are sent again as its branch's. After the step, a task alone streams the answer.
    @Test func aSecondTaskStreamingTurnsTheStepIntoBranches() {
        var tracker = FanOutTracker()
        #expect(tracker.token(token("a", task: "1"), rootNode: "w") == [.token(token("a", task: "1"))])
        let second = tracker.token(token("b", task: "2"), rootNode: "w")
        var moved = token("a", task: "1"), opened = token("b", task: "2")
        moved.part = .branch("w 1")
        opened.part = .branch("w 2")
        #expect(second == [.branchOpened(branch: "w 1", node: "w", task: "1"), .token(moved), .branchOpened(branch: "w 2", node: "w", task: "2"), .token(opened)])
        #expect(tracker.stepEnded() == [.branchesDone])
        var answer = RunToken(text: "c", messageId: "", node: "s", step: 2, task: "3")
        let after = tracker.token(answer, rootNode: "s")
        answer.part = .answer
        #expect(after == [.token(answer)])
        #expect(tracker.stepEnded().isEmpty)
    }

    @Test func oneTaskPerStepIsAlwaysTheReply() {
        var tracker = FanOutTracker()
        for step in 1...3 {
            #expect(tracker.token(token("x", task: "t\(step)", step: step), rootNode: "w") == [.token(token("x", task: "t\(step)", step: step))])
            #expect(tracker.stepEnded().isEmpty)
        }
    }
}
