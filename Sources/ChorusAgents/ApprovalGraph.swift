import ChorusGraph
import ChorusModels

/// The `approve` graph: a reply that waits for a person (human in the loop).
///
/// ```
/// START → draft → review → END
/// ```
///
/// `draft` streams the model's reply into `draft`; `review` pauses the run
/// with `{"question": "approve?", "draft": …}`. Resuming with `"yes"` or
/// `true` adds the draft to `messages`; `"no"` or `false` adds a note that it
/// was declined; any other text is the reply to add instead (an edit).
public enum ApprovalGraph {
    public static let declined = "(The drafted reply was declined.)"

    public static func make(model: any ChatModel, checkpointer: (any Checkpointer)?) throws -> CompiledGraph {
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages)), ("draft", .lastValue)]))
        let writer = ChatModelNode(model: model)
        graph.addNode("draft") { state, context in
            guard case .update(let written) = try await writer.run(state, context),
                  let reply = written["messages"]?.arrayValue?.first.flatMap(ChatMessage.init(value:)) else {
                return .update(["draft": ""])
            }
            return .update(["draft": .string(reply.content)])
        }
        graph.addNode("review") { state, context in
            let draft = state["draft"]?.stringValue ?? ""
            let answer = try context.interrupt(["question": "approve?", "draft": .string(draft)])
            let reply: String = switch answer {
            case .bool(true), "yes", "y", "approve", "approved", .null: draft
            case .bool(false), "no", "n", "decline": declined
            case .string(let edited): edited
            default: draft
            }
            return .update(["messages": [ChatMessage(role: .assistant, content: reply, id: "reply-\(context.taskId)").value],
                            "draft": .null])
        }
        graph.addEdge(START, "draft")
        graph.addEdge("draft", "review")
        return try graph.compile(checkpointer: checkpointer)
    }
}
