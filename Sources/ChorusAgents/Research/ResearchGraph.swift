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
/// the answer says so; if all fail the run fails. Each researcher reports
/// `{"branch", "of", "status": "running" | "done" | "failed", "sub_question"}`
/// as a custom event, and the planner reports `{"plan": [...]}`; a
/// `ResearchControl` cancels single branches. With a checkpointer, a run stopped mid-fan-out resumes
/// (`RunInput.continue`) without rerunning finished branches.
///
/// State: `question` (input), `sub_questions`, `findings` (appended, see
/// `ResearchFinding`), `answer`, and `messages` (the question and the answer).
public enum ResearchGraph {
    /// `tools` are offered to every researcher (each branch calls them on its
    /// own, at most `maxToolRounds` rounds); tools that need approval are left out.
    public static func make(planner: any ChatModel, researcher: any ChatModel, synthesizer: any ChatModel, branches: Int,
                            checkpointer: (any Checkpointer)?, control: ResearchControl? = nil, tools: [AgentTool] = [],
                            maxToolRounds: Int = 5) throws -> CompiledGraph {
        let researchTools = tools.filter { !$0.needsApproval }
        let n = max(1, branches)
        var graph = StateGraph(StateSchema([
            ("question", .lastValue), ("sub_questions", .lastValue), ("findings", .reducer(.append)),
            ("answer", .lastValue), ("messages", .reducer(.messages)),
        ]))
        graph.addNode("planner") { state, context in
            let question = state["question"]?.stringValue ?? ""
            let plan = try await Self.plan(question, branches: n, model: planner, context: context)
            // The whole plan at once, so a UI can show the branches still queued.
            context.write(custom: ["plan": .array(plan.map { .string($0) })])
            return .update([
                "sub_questions": .array(plan.map { .string($0) }),
                "messages": [ChatMessage(role: .user, content: question, id: "question-\(context.taskId)").value],
            ])
        }
        graph.addConditionalEdges("planner") { state in
            let question = state["question"] ?? ""
            let subQuestions = state["sub_questions"]?.arrayValue ?? []
            return subQuestions.enumerated().map { i, q in
                .send(Send("researcher", ["index": .int(i + 1), "of": .int(subQuestions.count), "sub_question": q, "question": question]))
            }
        }
        graph.addNode("researcher") { input, context in
            .update(["findings": [try await Self.research(input, model: researcher, context: context, control: control, tools: researchTools,
                                                          maxToolRounds: maxToolRounds).value]])
        }
        graph.addEdge("researcher", "synthesizer")
        graph.addNode("synthesizer") { state, context in
            let answer = try await Self.synthesize(state, model: synthesizer, context: context)
            return .update(["answer": .string(answer),
                            "messages": [ChatMessage(role: .assistant, content: answer, id: "answer-\(context.taskId)").value]])
        }
        graph.addEdge(START, "planner")
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
    static func research(_ input: Value, model: any ChatModel, context: NodeContext, control: ResearchControl?,
                         tools: [AgentTool] = [], maxToolRounds: Int = 5) async throws -> ResearchFinding {
        let index = input["index"]?.intValue ?? 0
        let subQuestion = input["sub_question"]?.stringValue ?? ""
        func report(_ status: String, error: String? = nil) {
            var o: [String: Value] = ["branch": .int(index), "of": input["of"] ?? .null, "status": .string(status), "sub_question": .string(subQuestion)]
            if let error { o["error"] = .string(error) }
            context.write(custom: .object(o))
        }
        report("running")
        let system = "You research one part of a larger question: \(input["question"]?.stringValue ?? ""). "
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
            report("done")
            return ResearchFinding(index: index, subQuestion: subQuestion, status: .done, text: text)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            report("failed", error: "\(error)")
            return ResearchFinding(index: index, subQuestion: subQuestion, status: .failed, text: "", error: "\(error)")
        }
    }

    static func synthesize(_ state: Value, model: any ChatModel, context: NodeContext) async throws -> String {
        let question = state["question"]?.stringValue ?? ""
        let findings = (state["findings"]?.arrayValue ?? []).compactMap(ResearchFinding.init(value:)).sorted { $0.index < $1.index }
        let done = findings.filter { $0.status == .done }
        let failed = findings.filter { $0.status == .failed }
        if done.isEmpty {
            throw ResearchError.allBranchesFailed(failed.map { "[\($0.index)] \($0.subQuestion): \($0.error ?? "failed")" })
        }
        var prompt = "Question: \(question)\n\nFindings:\n" + done.map { "[\($0.index)] \($0.subQuestion)\n\($0.text)" }.joined(separator: "\n\n")
        if !failed.isEmpty {
            prompt += "\n\nThese branches failed and are not covered: " + failed.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; ")
        }
        let system = "Answer the question from the findings, citing them as [1], [2], …. Say which parts are not covered because a branch failed."
        let reply = try await model.replyText(to: ChatRequest(messages: [ChatMessage(role: .system, content: system, id: "synthesizer-system"),
                                                                    ChatMessage(role: .user, content: prompt, id: "synthesizer-prompt")]),
                                          context: context, messageId: "answer-\(context.taskId)")
        guard !failed.isEmpty else { return reply }
        // Said by the graph, not left to the model: which branches the answer lacks.
        return reply + "\n\nNot covered (branch failed): " + failed.map { "[\($0.index)] \($0.subQuestion)" }.joined(separator: "; ")
    }
}
