import ChorusGraph
import ChorusModels

/// Runs one tool call the model asked for, reported to the run's events
/// (`toolStart`, `toolEnd`). A tool's failure, or a tool the model made up,
/// becomes the result the model reads (`Error: …`); only cancellation throws.
enum ToolCallRunner {
    static func output(of call: ToolCall, tools: [String: AgentTool], context: NodeContext) async throws -> String {
        let report = context.toolStart(name: call.name, input: call.arguments)
        let output: String
        if let tool = tools[call.name] {
            do {
                output = try await tool.run(call.arguments)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                output = "Error: \(error)"
            }
        } else {
            output = "Error: \(call.name) is not a valid tool, try one of [\(tools.keys.sorted().joined(separator: ", "))]."
        }
        report.end(output: .string(output))
        return output
    }
}
