import ChorusAgents
import ChorusGraph
import ChorusModels
import Testing
@testable import ChorusRuns

/// The local engine's events as run updates, on a real research run and on events made by hand.
@Suite struct EngineRunDecoderTests {
    /// A research run fans out to its researchers: each becomes a branch, what the synthesizer writes after them is the answer.
    @Test func aResearchRunsResearchersAreBranchesAndItsSynthesisIsTheAnswer() async throws {
        let model = OfflineChatModel(tokensPerSecond: 0)
        let graph = try ResearchGraph.make(planner: model, researcher: model, synthesizer: model, branches: 3, checkpointer: nil)
        var decoder = EngineRunDecoder()
        var updates: [RunUpdate] = []
        for try await event in graph.graph.events(.state(ResearchGraph.State.input(question: "Why?")), config: RunConfig(maxConcurrency: 3)) {
            updates += decoder.decode(event)
        }
        guard case .started? = updates.first, case .finished(let state)? = updates.last else { Issue.record("\(updates.prefix(2)) … \(updates.suffix(1))"); return }
        #expect(((try? StateView<ResearchGraph.State>(state).answer) ?? nil)?.contains("[3]") == true)

        let started = updates.compactMap { if case .nodeStarted(let task) = $0 { task } else { nil } }
        #expect(started.map(\.node) == ["planner", "researcher", "researcher", "researcher", "synthesizer"])
        #expect(Set(started.filter { $0.node == "researcher" }.map(\.step)).count == 1)
        #expect(started.last!.step > started.first!.step)
        let ended = updates.compactMap { if case .nodeEnded(let task, nil) = $0 { task } else { nil } }
        #expect(Set(ended.map(\.id)) == Set(started.map(\.id)))

        let opened = updates.compactMap { if case .branchOpened(let branch, "researcher", let task) = $0 { (branch, task) } else { nil } }
        #expect(opened.map(\.0).sorted() == ["researcher 1", "researcher 2", "researcher 3"])
        #expect(Set(opened.map(\.1)) == Set(started.filter { $0.node == "researcher" }.map(\.id)))
        #expect(updates.filter { $0 == .branchesDone }.count == 1)

        var parts: [String: Set<String>] = [:]
        for case .token(let token) in updates {
            let part = switch token.part { case .reply: "reply"; case .branch(let b): "branch:" + b; case .answer: "answer" }
            parts[token.node, default: []].insert(part)
        }
        #expect(parts["planner"] == ["reply"])
        #expect(parts["synthesizer"] == ["answer"])
        // Until a second researcher streams, the first looks like the reply; its branch then gets those tokens again.
        // A branch holds every token of its task, and only of its task.
        for (branch, task) in opened {
            let tokens = updates.compactMap { if case .token(let t) = $0, t.task == task { t } else { nil } }
            let replied = tokens.filter { $0.part == .reply }.map(\.text).joined()
            let branched = tokens.filter { $0.part == .branch(branch) }.map(\.text).joined()
            #expect(!branched.isEmpty && branched.hasPrefix(replied) && tokens.allSatisfy { $0.part == .reply || $0.part == .branch(branch) })
        }
    }

    @Test func subgraphTokensBelongToTheirRootTaskAndToolCallsAreTimed() {
        func event(_ kind: RunEvent.Kind, node: String?, task: String?, step: Int?, namespace: [String] = [], id: String = "e", at: Double = 0) -> RunEvent {
            RunEvent(kind: kind, runId: "run", id: id, parentIds: [], node: node, task: task, step: step, namespace: namespace, tags: [], timestamp: at)
        }
        var decoder = EngineRunDecoder()
        #expect(decoder.decode(event(.nodeStart, node: "outer", task: "t1", step: 1)) == [.nodeStarted(RunTask(node: "outer", id: "t1", step: 1))])
        // Inside the subgraph: no node updates, but its tokens and tools belong to the root task `t1`.
        #expect(decoder.decode(event(.nodeStart, node: "inner", task: "s1", step: 1, namespace: ["outer:t1"])).isEmpty)
        #expect(decoder.decode(event(.token(text: "hi", messageId: "m"), node: "inner", task: "s1", step: 1, namespace: ["outer:t1"]))
                == [.token(RunToken(text: "hi", messageId: "m", node: "inner", step: 1, task: "t1"))])
        #expect(decoder.decode(event(.token(text: "", messageId: "m"), node: "inner", task: "s1", step: 1, namespace: ["outer:t1"])).isEmpty)
        _ = decoder.decode(event(.toolStart(name: "add", input: ["a": 1]), node: "inner", task: "s1", step: 1, namespace: ["outer:t1"], id: "call", at: 10))
        #expect(decoder.decode(event(.toolEnd(name: "add", output: 3), node: "inner", task: "s1", step: 1, namespace: ["outer:t1"], id: "call", at: 10.25))
                == [.toolEnded(RunToolResult(id: "call", name: "add", output: "3", seconds: 0.25, task: "t1"))])
        #expect(decoder.decode(event(.modelEnd(usage: nil), node: "inner", task: "s1", step: 1)).isEmpty)
        #expect(decoder.decode(event(.modelEnd(usage: .init(inputTokens: 5, outputTokens: nil, cachedInputTokens: 3)), node: "inner", task: "s1", step: 1,
                                     namespace: ["outer:t1"]))
                == [.usage(RunUsage(node: "inner", task: "t1", inputTokens: 5, outputTokens: nil, cachedInputTokens: 3))])
        #expect(decoder.decode(event(.nodeError(message: "boom"), node: "outer", task: "t1", step: 1))
                == [.nodeEnded(RunTask(node: "outer", id: "t1", step: 1), error: "boom")])
        #expect(decoder.decode(event(.runEnd(output: ["x": 1]), node: nil, task: nil, step: nil)) == [.finished(state: ["x": 1])])
    }
}
