import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusSupport
import ChorusTesting
import Foundation
import Testing

/// With tools, the served `chat` assistant is the ReAct agent: a tool that
/// can change things pauses the run with a `tool_approval` interrupt that a
/// LangGraph client answers with `Command(resume=…)`.
@Suite(.timeLimit(.minutes(1))) struct ToolApprovalRouteTests {
    @Test func aToolThatAsksPausesTheRunAndAResumeCommandRunsIt() async throws {
        let written = Locked<[String]>([])
        let note = AgentTool(name: "write_note", description: "writes a note", parameters: ["type": "object"], needsApproval: true) { arguments in
            written.withLock { $0.append(arguments["text"]?.stringValue ?? "") }
            return "noted"
        }
        let model = ReplayChatModel([
            [.toolCall(ToolCall(id: "c1", name: "write_note", arguments: ["text": "milk"])), .finish(.toolCalls)],
            [.text("Noted."), .finish(.stop)],
        ])
        let fixture = try ServeFixture(model: model, tools: [note])
        try await fixture.test { client in
            let thread = try await client.newThread()
            let paused = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("note milk")])
            #expect(paused.json["__interrupt__"]?[0]?["value"]?["type"] == "tool_approval")
            #expect(paused.json["__interrupt__"]?[0]?["value"]?["tool"] == "write_note")
            #expect(paused.json["__interrupt__"]?[0]?["value"]?["arguments"] == ["text": "milk"])
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "interrupted")
            #expect(written.withLock { $0 }.isEmpty)

            let done = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "command": ["resume": "y"]])
            #expect(written.withLock { $0 } == ["milk"])
            #expect(done.json["messages"]?.arrayValue?.last?["content"] == "Noted.")
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "idle")
        }
    }
}
