import ChorusGraph
import ChorusModels

/// A model and its tools in a loop inside one node (a research branch):
/// the model's tool calls run concurrently under the run's
/// `maxConcurrency`, each reported to the run's events, their results go
/// back to the model, until it answers without calling a tool or
/// `maxRounds` rounds have run (then it is asked to answer without tools).
/// Tool results can outgrow a small window: from the second round on, what is
/// sent is compacted as a thread's conversation is (`ContextCompactor`, the
/// model's strategy), the marker kept so later rounds start from it.
enum ToolLoop {
    static func run(_ request: ChatRequest, model: any ChatModel, tools: [AgentTool], maxRounds: Int, context: NodeContext,
                    messageId: String) async throws -> String {
        let byName = Dictionary(tools.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        var request = request
        var round = 0
        let compactor = ContextCompactor(model: model, strategy: model.settings.compaction)
        while true {
            if round >= maxRounds { request.tools = [] }
            var sent = request
            if round > 0 {
                let window = await model.contextWindow(probing: true)
                let prepared = try await compactor.prepare(request.messages, system: nil, window: window,
                                                           replyRoom: ContextCompactor.replyRoom(maxTokens: request.maxTokens, window: window))
                if let marker = prepared.marker { request.messages.append(marker) }
                sent.messages = prepared.sent
            }
            let reply = try await model.reply(to: sent, context: context, messageId: round == 0 ? messageId : "\(messageId)-\(round)")
            guard !reply.toolCalls.isEmpty, !request.tools.isEmpty else { return reply.text }
            round += 1
            let results = try await context.concurrentMap(reply.toolCalls) { call -> ChatMessage in
                let output = try await ToolCallRunner.output(of: call, tools: byName, context: context)
                return ChatMessage(role: .tool, content: output, id: "tool-\(call.id)", toolCallId: call.id)
            }
            request.messages += [ChatMessage(role: .assistant, content: reply.text, id: "\(messageId)-calls-\(round)", toolCalls: reply.toolCalls)] + results
        }
    }
}
