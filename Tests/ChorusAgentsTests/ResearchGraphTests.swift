import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusSupport
import ChorusTesting
import Foundation
import Testing

/// A chat model whose reply is computed by a closure, streamed word by word.
struct ClosureModel: ChatModel {
    let respond: @Sendable (ChatRequest) async throws -> String
    var displayName: String { "scripted" }

    func stream(_ request: ChatRequest) -> ChatStream {
        let (stream, continuation) = ChatStream.makeStream()
        let task = Task {
            do {
                let text = try await respond(request)
                for token in OfflineChatModel.tokens(text) { continuation.yield(.text(token)) }
                continuation.yield(.usage(Usage(inputTokens: 1, outputTokens: 1)))
                continuation.yield(.finish(.stop))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination { task.cancel() }
        return stream
    }
}

extension ChatRequest {
    var lastUserText: String { messages.last { $0.role == .user }?.content ?? "" }
}


@Suite(.timeLimit(.minutes(1))) struct ResearchGraphTests {
    let offline = OfflineChatModel(tokensPerSecond: 0)

    @Test(arguments: [(6, 2), (4, 4), (3, 1)])
    func atMostKResearchersInFlightAndEveryTokenBelongsToABranch(n: Int, k: Int) async throws {
        // The gate holds researchers until k are inside together: the peak is reached, not hoped for.
        let gate = ConcurrencyGate(width: k, total: n)
        let researcher = ClosureModel { request in
            await gate.pass()
            return OfflineChatModel.reply(to: request.messages)
        }
        let graph = try ResearchGraph.make(planner: offline, researcher: researcher, synthesizer: offline, branches: n, checkpointer: nil)
        let input = ResearchGraph.State.input(question: "How do tides work?")
        let (events, error) = await collectEvents(graph.graph, .state(input), config: RunConfig(maxConcurrency: k))
        #expect(error == nil)
        var inFlight = 0, peak = 0
        for event in events where event.node == ResearchGraph.researcher.rawValue {
            if event.kind == RunEvent.Kind.nodeStart { inFlight += 1 }
            if event.kind == RunEvent.Kind.nodeEnd || event.kind.isNodeError { inFlight -= 1 }
            peak = max(peak, inFlight)
        }
        #expect(peak == k)
        let starts: [RunEvent] = events.filter { $0.node == "researcher" && $0.kind == RunEvent.Kind.nodeStart }
        let branchTasks = Set(starts.compactMap(\.task))
        #expect(branchTasks.count == n)
        let tokenEvents = events.filter { $0.kind.isToken }
        #expect(tokenEvents.allSatisfy { $0.task != nil })
        let researcherTokens = tokenEvents.filter { $0.node == "researcher" }
        #expect(Set(researcherTokens.compactMap(\.task)) == branchTasks)
        // Every branch's tokens are that branch's reply, whole and in order.
        let grouped: [String: [RunEvent]] = Dictionary(grouping: researcherTokens) { $0.task! }
        let byTask: [String: String] = grouped.mapValues { tokens in tokens.compactMap(\.kind.text).joined() }
        let final = StateView<ResearchGraph.State>(try #require(events.last?.kind.output))
        let findings = try final.findings
        #expect(findings.count == n)
        #expect(Set(byTask.values) == Set(findings.map(\.text)))
        let answer = try #require(try final.answer)
        for i in 1...n { #expect(answer.contains("[\(i)]")) }
    }

    @Test func aFailingBranchIsRecordedAndTheAnswerSaysSo() async throws {
        struct Unreachable: Error, CustomStringConvertible { var description: String { "provider unreachable" } }
        let researcher = ClosureModel { request in
            if request.lastUserText.hasPrefix("Sub question 2 ") { throw Unreachable() }
            return OfflineChatModel.reply(to: request.messages)
        }
        let graph = try ResearchGraph.make(planner: offline, researcher: researcher, synthesizer: offline, branches: 3, checkpointer: nil)
        let result = try await graph.invoke(StateUpdate { $0.question = "Why is the sea salty?" })
        let findings = try result.state.findings
        #expect(findings.map(\.status) == [.done, .failed, .done])
        #expect(findings[1].error == "provider unreachable")
        let answer = try #require(try result.state.answer)
        #expect(answer.contains("[1]") && answer.contains("[3]"))
        #expect(answer.hasSuffix("Not covered (branch failed): [2] Sub question 2 of: Why is the sea salty?"))
    }

    @Test func whenEveryBranchFailsTheRunFailsClearly() async throws {
        let researcher = ClosureModel { _ in throw ChatProviderError.connection(provider: "openai", detail: "refused") }
        let graph = try ResearchGraph.make(planner: offline, researcher: researcher, synthesizer: offline, branches: 2, checkpointer: nil)
        await #expect(throws: ResearchError.self) { try await graph.invoke(StateUpdate { $0.question = "q" }) }
        let (events, _) = await collectEvents(graph.graph, .state(ResearchGraph.State.input(question: "q")), config: RunConfig())
        #expect(events.last?.kind.isRunError == true)
        #expect(events.contains { $0.node == "synthesizer" && $0.kind.isNodeError })
    }

    @Test func anInvalidPlanIsAskedForAgainOnceThenRefused() async throws {
        let calls = Locked(0)
        let fixedOnRetry = ClosureModel { request in
            let call = calls.withLock { $0 += 1; return $0 }
            #expect(request.responseFormat != nil)
            return call == 1 ? "{\"sub_questions\": [\"same\", \"Same\"]}" : "{\"sub_questions\": [\"tides\", \"moon\"]}"
        }
        let graph = try ResearchGraph.make(planner: fixedOnRetry, researcher: offline, synthesizer: offline, branches: 2, checkpointer: nil)
        let result = try await graph.invoke(StateUpdate { $0.question = "q" })
        #expect(try result.state.subQuestions == ["tides", "moon"])
        #expect(calls.withLock { $0 } == 2)

        let alwaysBad = ClosureModel { _ in "not json" }
        let failing = try ResearchGraph.make(planner: alwaysBad, researcher: offline, synthesizer: offline, branches: 2, checkpointer: nil)
        await #expect(throws: ResearchError.invalidPlan("the reply is not JSON")) { try await failing.invoke(StateUpdate { $0.question = "q" }) }
    }

    /// An in-memory checkpointer that fires `saved` once `count` tasks' writes are stored.
    final class WatchedCheckpointer: Checkpointer {
        let base = InMemoryCheckpointer()
        let saved = Signal()
        let count: Int
        private let tasks = Locked<Set<String>>([])

        init(firingAfter count: Int) { self.count = count }

        func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
            try await base.get(threadId: threadId, namespace: namespace, id: id)
        }
        func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
            try await base.list(threadId: threadId, namespace: namespace, before: before, limit: limit)
        }
        func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
            try await base.put(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)
        }
        func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
            try await base.putWrites(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)
            if tasks.withLock({ $0.insert(taskId); return $0.count == count }) { saved.fire() }
        }
        func deleteThread(_ threadId: String) async throws { try await base.deleteThread(threadId) }
    }

    @Test func aRunStoppedMidFanOutResumesWithoutRedoingFinishedBranches() async throws {
        // Branches 1 and 2 finish and their writes are saved; branch 3 is still
        // waiting on its model when the user quits.
        let checkpointer = WatchedCheckpointer(firingAfter: 2)
        let asked = Locked<[String: Int]>([:])
        let researcher = ClosureModel { request in
            let q = request.lastUserText
            let attempt = asked.withLock { $0[q, default: 0] += 1; return $0[q]! }
            if q.hasPrefix("Sub question 3 ") && attempt == 1 {
                try await Task.sleep(for: .seconds(3600))  // Until the run is stopped.
            }
            return OfflineChatModel.reply(to: request.messages)
        }
        let graph = try ResearchGraph.make(planner: offline, researcher: researcher, synthesizer: offline, branches: 3, checkpointer: checkpointer)
        let config = RunConfig(threadId: "research-1")
        let first = Task {
            for try await _ in graph.events(.state(ResearchGraph.State.input(question: "Why do we dream?")), config: config) {}
        }
        await checkpointer.saved.wait()
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        let stopped = try await graph.graph.getState(config: config)
        #expect(stopped.next == [ResearchGraph.researcher.rawValue])

        let result = try await graph.invoke(.continue, config: config)
        #expect(asked.withLock { $0.values.sorted() } == [1, 1, 2])
        #expect(try result.state.findings.map(\.status) == [.done, .done, .done])
        #expect(try result.state.answer?.contains("[3]") == true)
    }
}

extension RunEvent.Kind {
    var isToken: Bool { if case .token = self { true } else { false } }
    var isNodeError: Bool { if case .nodeError = self { true } else { false } }
    var isRunError: Bool { if case .runError = self { true } else { false } }
    var text: String? { if case .token(let text, _) = self { text } else { nil } }
    var output: Value? { if case .runEnd(let output) = self { output } else { nil } }
}
