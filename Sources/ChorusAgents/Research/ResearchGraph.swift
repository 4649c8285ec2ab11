import ChorusGraph
import ChorusModels
import Foundation

/// Parallel research (the `asyncio.gather` pattern as a graph):
///
/// ```
/// START → planner ─Send×N→ researcher ─→ synthesizer → END
/// ```
///
/// The planner asks for N sub-questions as structured output (checked; asked
/// again once, then a `ResearchError.invalidPlan`); one researcher task per
/// sub-question streams its finding; the synthesizer streams an answer citing
/// the findings as [1], [2]…. A branch that fails is recorded as failed and
/// the answer says so; if all fail the run fails. The planner and each
/// researcher report `ResearchProgress` on the custom stream; a
/// `ResearchControl` cancels single branches. A `BudgetMeter` caps what the
/// planner's and the branches' calls spend: once reached, no call starts,
/// running branches stop as `stopped` findings with what they had, and the
/// synthesizer (outside the budget) answers from what was found, after
/// reporting `ResearchProgress.budget`. With a checkpointer, a run stopped mid-fan-out resumes
/// (`RunInput.continue`) without rerunning finished branches.
public enum ResearchGraph {
    public enum State: GraphState {
        /// The question (the run's input).
        public static let question = Key<String>.lastValue("question")
        /// The planner's sub-questions, in branch order.
        public static let subQuestions = Key<[String]?>.lastValue("sub_questions")
        /// One finding per branch, in the order they finished.
        public static let findings = Key<[ResearchFinding]>.appending("findings")
        /// The synthesizer's answer.
        public static let answer = Key<String?>.lastValue("answer")
        /// The question and the answer, as a conversation.
        public static let messages = Key<[ChatMessage]>.messages("messages")
        public static let schema = Schema(question, subQuestions, findings, answer, messages)

        /// A run's input: the question.
        public static func input(question: String) -> Value {
            .object(StateUpdate<State> { $0.question = question }.values)
        }
    }

    /// Splits the question.
    public static let planner: NodeName = "planner"
    /// One task per sub-question.
    public static let researcher: NodeName = "researcher"
    /// Writes the answer from the findings.
    public static let synthesizer: NodeName = "synthesizer"

    /// `tools` are offered to every researcher (each branch calls them on its
    /// own, at most `maxToolRounds` rounds); tools that need approval are left out.
    public static func make(planner: any ChatModel, researcher: any ChatModel, synthesizer: any ChatModel, branches: Int,
                            checkpointer: (any Checkpointer)?, control: ResearchControl? = nil, tools: [AgentTool] = [],
                            maxToolRounds: Int = 5, budget: BudgetMeter? = nil) throws -> TypedCompiledGraph<State> {
        let researchTools = tools.filter { !$0.needsApproval }
        let planner: any ChatModel = budget.map { BudgetedChatModel(base: planner, meter: $0) } ?? planner
        let researcher: any ChatModel = budget.map { BudgetedChatModel(base: researcher, meter: $0) } ?? researcher
        let n = max(1, branches)
        var graph = TypedStateGraph<State>()
        graph.addNode(Self.planner) { state, context in
            let question = try state.question
            let plan: [String]
            do {
                plan = try await Self.plan(question, branches: n, model: planner, context: context)
            } catch is BudgetReached {
                throw ResearchError.budgetReachedBeforeFindings
            }
            // The whole plan at once, so a UI can show the branches still queued.
            context.write(custom: ResearchProgress.plan(plan).stateValue)
            return StateUpdate {
                $0.subQuestions = plan
                $0.messages = [ChatMessage(role: .user, content: question, id: "question-\(context.taskId)")]
            }
        }
        graph.addConditionalEdges(Self.planner) { state in
            let question = try state.question
            let subQuestions = try state.subQuestions ?? []
            return subQuestions.enumerated().map { i, q in
                .send(Self.researcher, ResearchAssignment(index: i + 1, of: subQuestions.count, subQuestion: q, question: question))
            }
        }
        graph.addNode(Self.researcher, input: ResearchAssignment.self) { assignment, context in
            let finding = try await Self.research(assignment, model: researcher, context: context, control: control, tools: researchTools,
                                                  maxToolRounds: maxToolRounds)
            return StateUpdate { $0.findings = [finding] }
        }
        graph.addEdge(Self.researcher, Self.synthesizer)
        graph.addNode(Self.synthesizer) { state, context in
            if let budget {
                let spent = budget.spent
                context.write(custom: ResearchProgress.budget(.init(maxTokens: budget.budget.tokens, maxUSD: budget.budget.usd, tokens: spent.tokens,
                                                                    usd: spent.usd, reached: budget.isReached)).stateValue)
            }
            let answer = try await Self.synthesize(question: try state.question, findings: try state.findings, model: synthesizer, context: context)
            return StateUpdate {
                $0.answer = answer
                $0.messages = [ChatMessage(role: .assistant, content: answer, id: "answer-\(context.taskId)")]
            }
        }
        graph.addEdge(.start, Self.planner)
        return try graph.compile(checkpointer: checkpointer)
    }

    static func plan(_ question: String, branches: Int, model: any ChatModel, context: NodeContext) async throws -> [String] {
        let system = "Split the user's research question into exactly \(branches) distinct sub-questions that together cover it. "
            + "Reply with only a JSON object {\"sub_questions\": [...]}."
        var messages = [ChatMessage(role: .system, content: system, id: "planner-system"), ChatMessage(role: .user, content: question, id: "planner-question")]
        let format = ResearchPlan.responseFormat(branches: branches)
        let first = try await model.replyText(to: ChatRequest(messages: messages, responseFormat: format), context: context, messageId: "plan-\(context.taskId)")
        do {
            return try ResearchPlan(reply: first, branches: branches).subQuestions
        } catch ResearchError.invalidPlan(let why) {
            messages += [
                ChatMessage(role: .assistant, content: first, id: "planner-reply"),
                ChatMessage(role: .user, content: "That reply was not valid (\(why)). Reply again with only the JSON object: exactly \(branches) distinct, non-empty sub-questions of: \(question)", id: "planner-retry"),
            ]
            let second = try await model.replyText(to: ChatRequest(messages: messages, responseFormat: format), context: context, messageId: "plan-retry-\(context.taskId)")
            return try ResearchPlan(reply: second, branches: branches).subQuestions
        }
    }

    /// One branch. Failures other than cancellation become a failed finding.
    static func research(_ assignment: ResearchAssignment, model: any ChatModel, context: NodeContext, control: ResearchControl?,
                         tools: [AgentTool] = [], maxToolRounds: Int = 5) async throws -> ResearchFinding {
        let index = assignment.index
        let subQuestion = assignment.subQuestion
        func report(_ status: ResearchProgress.Branch.Status, error: String? = nil) {
            let progress = ResearchProgress.branch(.init(index: index, of: assignment.of, status: status, subQuestion: subQuestion, error: error))
            context.write(custom: progress.stateValue)
        }
        report(.running)
        let system = "You research one part of a larger question: \(assignment.question). "
            + "Answer only this sub-question, concisely and factually."
        let request = ChatRequest(messages: [ChatMessage(role: .system, content: system, id: "researcher-system"),
                                             ChatMessage(role: .user, content: subQuestion, id: "researcher-question")],
                                  tools: tools.map(\.spec))
        do {
            let call: @Sendable () async throws -> String = {
                try await ToolLoop.run(request, model: model, tools: tools, maxRounds: maxToolRounds, context: context,
                                       messageId: "branch-\(index)-\(context.taskId)")
            }
            let text: String
            if let control { text = try await control.run(branch: index, call) } else { text = try await call() }
            report(.done)
            return ResearchFinding(index: index, subQuestion: subQuestion, status: .done, text: text)
        } catch let reached as BudgetReached {
            report(.stopped, error: reached.description)
            return ResearchFinding(index: index, subQuestion: subQuestion, status: .stopped, text: reached.partial, error: reached.description)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            report(.failed, error: "\(error)")
            return ResearchFinding(index: index, subQuestion: subQuestion, status: .failed, text: "", error: "\(error)")
        }
    }

    static func synthesize(question: String, findings: [ResearchFinding], model: any ChatModel, context: NodeContext) async throws -> String {
        let findings = findings.sorted { $0.index < $1.index }
        // A branch the budget stopped counts with what it had found.
        let found = findings.filter { $0.status == .done || ($0.status == .stopped && !$0.text.isEmpty) }
        let failed = findings.filter { $0.status == .failed }
        let stopped = findings.filter { $0.status == .stopped }
        if found.isEmpty {
            if !stopped.isEmpty { throw ResearchError.budgetReachedBeforeFindings }
            throw ResearchError.allBranchesFailed(failed.map { "[\($0.index)] \($0.subQuestion): \($0.error ?? "failed")" })
        }
        var remarks = ""
        if !failed.isEmpty {
            remarks += "\n\nThese branches failed and are not covered: " + failed.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; ")
        }
        let unfinished = stopped.filter(\.text.isEmpty)
        if !unfinished.isEmpty {
            remarks += "\n\nThe budget ran out before these were researched: " + unfinished.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; ")
        }
        let system = "Answer the question from the findings, citing them as [1], [2], …. Say which parts are not covered because a branch failed."
        func request(_ shown: [ResearchFinding]) -> ChatRequest {
            let prompt = "Question: \(question)\n\nFindings:\n" + shown.map {
                "[\($0.index)] \($0.subQuestion)\($0.status == .stopped ? " (cut short by the budget)" : "")\n\($0.text)"
            }.joined(separator: "\n\n") + remarks
            return ChatRequest(messages: [ChatMessage(role: .system, content: system, id: "synthesizer-system"),
                                          ChatMessage(role: .user, content: prompt, id: "synthesizer-prompt")])
        }
        // The findings are shortened when they would not fit the model's window, and again (by half) if the provider still says so.
        let window = await model.contextWindow(probing: true)
        let framing = TokenEstimate.of(request(found.map { var f = $0; f.text = ""; return f }).messages)
        var room = window.map { $0 - ContextCompactor.replyRoom(maxTokens: nil, window: $0) - framing }
        let reply: String
        do {
            reply = try await model.replyText(to: request(room.map { FindingsFit.fit(found, into: $0).findings } ?? found), context: context,
                                              messageId: "answer-\(context.taskId)")
        } catch let error as ChatProviderError where error.isContextOverflow {
            room = (room ?? TokenEstimate.of(request(found).messages) - framing) / 2
            reply = try await model.replyText(to: request(FindingsFit.fit(found, into: room ?? 0).findings), context: context,
                                              messageId: "answer-\(context.taskId)")
        }
        // Said by the graph, not left to the model: which branches the answer lacks.
        var notes: [String] = []
        if !failed.isEmpty { notes.append("Not covered (branch failed): " + failed.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; ")) }
        if !stopped.isEmpty {
            notes.append("Cut short by the budget: " + stopped.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; "))
        }
        return notes.isEmpty ? reply : reply + "\n\n" + notes.joined(separator: "\n")
    }
}
