import ChorusAgents
import ChorusGraph
import Testing

/// The research contract on the wire: what the graph writes to the custom
/// stream is what the app, `chorus research` and serve clients read.
@Suite struct ResearchProgressTests {
    @Test func progressHasTheWireShapeClientsRead() throws {
        let running = ResearchProgress.branch(.init(index: 2, of: 3, status: .running, subQuestion: "why?"))
        #expect(running.stateValue == ["branch": 2, "of": 3, "status": "running", "sub_question": "why?"])
        let failed = ResearchProgress.branch(.init(index: 1, of: 3, status: .failed, subQuestion: "how?", error: "timeout"))
        #expect(failed.stateValue == ["branch": 1, "of": 3, "status": "failed", "sub_question": "how?", "error": "timeout"])
        #expect(ResearchProgress.plan(["a", "b"]).stateValue == ["plan": ["a", "b"]])
        for progress in [running, failed, .plan(["a", "b"])] {
            #expect(try ResearchProgress(stateValue: progress.stateValue) == progress)
        }
    }

    @Test func otherCustomEventsAreNotProgress() {
        #expect(throws: (any Error).self) { try ResearchProgress(stateValue: ["branch": 1, "status": "sleeping"]) }
        #expect(throws: (any Error).self) { try ResearchProgress(stateValue: ["plan": "not a list"]) }
        #expect(throws: (any Error).self) { try ResearchProgress(stateValue: "hello") }
    }

    @Test func findingsKeepTheirSavedShape() throws {
        let finding = ResearchFinding(index: 1, subQuestion: "q", status: .failed, text: "", error: "down")
        #expect(finding.stateValue == ["index": 1, "sub_question": "q", "status": "failed", "text": "", "error": "down"])
        #expect(try ResearchFinding(stateValue: ["index": 2, "sub_question": "p", "status": "done", "text": "t"])
            == ResearchFinding(index: 2, subQuestion: "p", status: .done, text: "t"))
    }
}
