import ChorusGraph
import ChorusModels

/// A model and its tools in a loop inside one node (a research branch):
/// the model's tool calls run concurrently under the run's
/// `maxConcurrency`, each reported to the run's events, their results go
/// back to the model, until it answers without calling a tool or
/// `maxRounds` rounds have run (then it is asked to answer without tools).
enum ToolLoop {
    static func run(_ request: ChatRequest, model: any ChatModel, tools: [AgentTool], maxRounds: Int, context: NodeContext,
                    messageId: String) async throws -> String {
        let byName = Dictionary(tools.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        var request = request
        var round = 0
        while true {
            if round >= maxRounds { request.tools = [] }
            let reply = try await model.reply(to: request, context: context, messageId: round == 0 ? messageId : "\(messageId)-\(round)")
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
