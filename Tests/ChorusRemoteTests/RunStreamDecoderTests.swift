import ChorusGraph
import ChorusModels
import Foundation
import Testing
@testable import ChorusRemote
import ChorusRuns

/// The decoder on streams recorded from the real `langgraph dev` (Fixtures/README.md).
@Suite struct RunStreamDecoderTests {
    static func parts(_ name: String) throws -> [RunStreamPart] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        var parser = SSEParser()
        let events = parser.feed(Array(try Data(contentsOf: url))) + parser.finish()
        return try events.map(LangGraphClient.part)
    }

    static func decode(_ name: String) throws -> [RunUpdate] {
        var decoder = RunStreamDecoder()
        return try parts(name).flatMap { decoder.decode($0) }
    }

    @Test func aChatRunStreamsItsTokensAsTheReply() throws {
        let updates = try Self.decode("chat-messages-tuple.sse")
        guard case .started(let runId)? = updates.first else { Issue.record("no run id first: \(updates.prefix(1))"); return }
        #expect(runId == "01a23b93-ecd5-75c0-ba5b-54d5c7a44725")
        var text = "", ids: Set<String> = []
        for case .token(let token) in updates {
            text += token.text
            ids.insert(token.messageId)
            #expect(token.node == "agent" && token.step == 1 && token.part == .reply)
        }
        #expect(text == "tok0 tok1 tok2 ")
        #expect(ids.count == 1)
        #expect(!updates.contains { if case .branchOpened = $0 { true } else { false } })
        #expect(updates.contains(.custom(node: nil, task: nil, ["progress": "model-start"])))
    }

    @Test func eightSendWorkersBecomeEightBranchesWithTheirOwnText() throws {
        let updates = try Self.decode("fanout-8.sse")
        var opened: [String] = []
        var texts: [String: String] = [:]
        var answer = ""
        var early: [String] = []
        for update in updates {
            switch update {
            case .branchOpened(let name, let node, let task):
                opened.append(name)
                #expect(node == "worker" && !task.isEmpty)
            case .token(let token):
                switch token.part {
                case .branch(let name): texts[name, default: ""] += token.text
                case .answer: answer += token.text
                case .reply:
                    #expect(opened.isEmpty, "a reply token after the fan-out began: \(token.text)")
                    early.append(token.text)
                }
            default: break
            }
        }
        // Until a second worker streams, the first one's token looks like the reply; its pane then gets it too.
        #expect(early == ["w0-0 "])
        #expect(opened == (1...8).map { "worker \($0)" })
        // Each pane holds one worker's tokens, all of them, in order: worker k is the k-th to stream (w{k-1}).
        for k in 1...8 {
            let w = "w\(k - 1)-"
            #expect(texts["worker \(k)"] == "\(w)0 \(w)1 \(w)2 ")
        }
        #expect(answer == (0..<8).map { "worker \($0): 15 chars" }.joined(separator: "; "))
        #expect(updates.filter { $0 == .branchesDone }.count == 1)
    }

    @Test func aSubgraphAloneInItsStepIsTheReplyNotABranch() throws {
        let updates = try Self.decode("nested.sse")
        let tokens = updates.compactMap { if case .token(let token) = $0, token.part == .reply { (token.text, token.node) } else { nil } }
        #expect(tokens.map(\.0) == ["tok0 ", "tok1 ", "tok2 ", "post-processed"])
        #expect(tokens.map(\.1) == ["agent", "agent", "agent", "post"])
        #expect(!updates.contains { if case .branchOpened = $0 { true } else { false } })
    }

    @Test func anInterruptIsReportedWithItsValueAndTheResumeStreamsTheAnswer() throws {
        let asked = try Self.decode("approve-interrupt.sse")
        let interrupts = asked.compactMap { if case .interrupted(let list) = $0 { list } else { nil } }.flatMap { $0 }
        #expect(interrupts == [RunInterrupt(value: ["question": "approve?", "last": "hi"], id: "e0c9657822325948c673a9ccdd5726f0")])
        let resumed = try Self.decode("approve-resume.sse")
        #expect(resumed.contains { if case .token(let token) = $0 { token.text == "you said: yes" && token.node == "ask" } else { false } })
        #expect(!resumed.contains { if case .interrupted = $0 { true } else { false } })
    }

    @Test func aFailedRunNamesItsErrorAndContentBlocksAreText() {
        var decoder = RunStreamDecoder()
        let failure = decoder.decode(RunStreamPart(mode: "error", data: ["error": "ValueError", "message": "bad literal"]))
        #expect(failure == [.failed("ValueError: bad literal")])
        let chunk: Value = ["type": "AIMessageChunk", "id": "m1", "content": [["type": "text", "text": "he"], ["type": "image_url", "image_url": "x"], "llo"]]
        let tokens = decoder.decode(RunStreamPart(event: "messages", data: [chunk, ["langgraph_node": "a", "langgraph_step": 2, "langgraph_checkpoint_ns": "a:1"]], id: nil))
        #expect(tokens == [.token(RunToken(text: "hello", messageId: "m1", node: "a", step: 2, task: "1"))])
        // Human echoes and malformed pairs are no tokens.
        #expect(decoder.decode(RunStreamPart(event: "messages", data: [["type": "human", "content": "hi"], [:]], id: nil)).isEmpty)
        #expect(decoder.decode(RunStreamPart(event: "messages", data: "nonsense", id: nil)).isEmpty)
    }

    @Test func toolCallsAndTheirResultsAreReadFromTheRootGraphsUpdates() {
        var decoder = RunStreamDecoder()
        let asked: Value = ["agent": ["messages": [[
            "type": "ai", "content": "", "id": "m1",
            "tool_calls": [["name": "get_time", "args": ["tz": "UTC"], "id": "call-1", "type": "tool_call"]],
        ]]]]
        #expect(decoder.decode(RunStreamPart(mode: "updates", data: asked)) == [.toolStarted(RunToolCall(id: "call-1", name: "get_time", input: ["tz": "UTC"], task: nil))])
        let answered: Value = ["tools": ["messages": [["type": "tool", "content": "12:00", "tool_call_id": "call-1", "name": "get_time", "id": "t1"]]]]
        let returned = decoder.decode(RunStreamPart(mode: "updates", data: answered))
        guard case .toolEnded(let result)? = returned.first, returned.count == 1 else { Issue.record("\(returned)"); return }
        #expect(result.id == "call-1" && result.name == "get_time" && result.output == "12:00" && result.seconds != nil)
        // Inside a subgraph, or without tool calls, there is nothing to show.
        #expect(decoder.decode(RunStreamPart(mode: "updates", namespace: ["inner:1"], data: asked)).isEmpty)
        #expect(decoder.decode(RunStreamPart(mode: "updates", data: ["agent": ["messages": [["type": "ai", "content": "hi", "tool_calls": []]]]])).isEmpty)
    }

    @Test func eventNamesCarryTheSubgraphNamespace() {
        let part = RunStreamPart(event: "updates|inner:1|agent:2", data: [:], id: "17-0")
        #expect(part.mode == "updates" && part.namespace == ["inner:1", "agent:2"] && part.id == "17-0")
    }
}

/// The records, from answers recorded from the real `langgraph dev`.
@Suite struct RemoteRecordTests {
    static func json(_ name: String) throws -> Value {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSON.parse(bytes: Array(try Data(contentsOf: url)))
    }

    @Test func assistantsThreadsAndStatesAreRead() throws {
        let assistants = try #require(try Self.json("assistants-search.json").arrayValue).map(RemoteAssistant.init(wire:))
        #expect(Set(assistants.map(\.graphId)) == ["chat", "fanout", "approve", "nested"])
        #expect(assistants.first { $0.graphId == "chat" }?.id == "eb6db400-e3c8-5d06-a834-015cb89efe69")
        let threads = try #require(try Self.json("threads-search.json").arrayValue).map(RemoteThread.init(wire:))
        #expect(threads.count == 2 && threads.allSatisfy { !$0.id.isEmpty && $0.createdAt.timeIntervalSince1970 > 1_700_000_000 })
        let waiting = RemoteThreadState(wire: try Self.json("approve-state.json"))
        #expect(waiting.next == ["ask"])
        #expect(waiting.interrupts == [RunInterrupt(value: ["question": "approve?", "last": "hi"], id: "e0c9657822325948c673a9ccdd5726f0")])
        let done = RemoteThreadState(wire: try Self.json("chat-state.json"))
        #expect(done.interrupts.isEmpty && done.next.isEmpty)
        #expect(done.messages.map(\.content) == ["hi", "tok0 tok1 tok2 "])
        #expect(done.messages.map(\.role) == [.user, .assistant])
    }
}
