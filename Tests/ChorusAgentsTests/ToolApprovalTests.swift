import ChorusAgents
import ChorusGraph
import ChorusModels
import Testing

/// The approval interrupt as clients see it, and the answers it takes.
@Suite struct ToolApprovalTests {
    @Test func theRequestHasTheWireShapeAndIsReadBack() throws {
        let request = ToolApproval.Request(ToolCall(id: "c1", name: "write_note", arguments: ["text": "milk"]))
        #expect(request.stateValue == ["type": "tool_approval", "tool": "write_note", "arguments": ["text": "milk"], "call_id": "c1"])
        #expect(ToolApproval.Request(interrupt: request.stateValue) == request)
    }

    @Test func otherInterruptsAreNotApprovals() {
        #expect(ToolApproval.Request(interrupt: ["question": "approve?", "draft": "hi"]) == nil)
        #expect(ToolApproval.Request(interrupt: ["type": "other", "tool": "t", "arguments": [:], "call_id": "c"]) == nil)
        #expect(ToolApproval.Request(interrupt: "approve?") == nil)
    }

    @Test(arguments: [(Value.bool(true), ToolApproval.Answer.approve), ("YES", .approve), ("always", .always), ("a", .always),
                      ("no", .decline), ("maybe", .decline), (.int(1), .decline)])
    func answers(value: Value, answer: ToolApproval.Answer) {
        #expect(ToolApproval.Answer(value) == answer)
    }
}
