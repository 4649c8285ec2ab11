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

    public enum State: GraphState {
        /// The conversation (the chat graph's key).
        public static let messages = Key<[ChatMessage]>.messages(ChatGraph.State.messages.name)
        /// The reply waiting for review.
        public static let draft = Key<String?>.lastValue("draft")
        public static let schema = Schema(messages, draft)
    }

    /// Writes the draft.
    public static let draft: NodeName = "draft"
    /// Waits for the person's answer.
    public static let review: NodeName = "review"

    public static func make(model: any ChatModel, checkpointer: (any Checkpointer)?) throws -> TypedCompiledGraph<State> {
        var graph = TypedStateGraph<State>()
        let writer = ChatModelNode(model: model)
        graph.addNode(Self.draft) { state, context in
            // The draft is what is reviewed; a compaction the model needed is kept with the thread.
            let added = try await writer.respond(to: try state.messages, context)
            return StateUpdate {
                $0.draft = added.last?.content ?? ""
                if added.count > 1 { $0.messages = Array(added.dropLast()) }
            }
        }
        graph.addNode(Self.review) { state, context in
            let draft = try state.draft ?? ""
            let answer = try context.interrupt(["question": "approve?", "draft": .string(draft)])
            let reply: String = switch answer {
            case .bool(true), "yes", "y", "approve", "approved", .null: draft
            case .bool(false), "no", "n", "decline": declined
            case .string(let edited): edited
            default: draft
            }
            return StateUpdate {
                $0.messages = [ChatMessage(role: .assistant, content: reply, id: "reply-\(context.taskId)")]
                $0.draft = .some(nil)
            }
        }
        graph.addEdge(.start, Self.draft)
        graph.addEdge(Self.draft, Self.review)
        return try graph.compile(checkpointer: checkpointer)
    }
}
