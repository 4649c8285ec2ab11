import ChorusGraph
import ChorusModels

/// The `chat` graph: a conversation in `messages` and one model node.
///
/// ```
/// START → model → END
/// ```
public enum ChatGraph {
    /// The conversation. The other conversational graphs (`ReactAgent`,
    /// `ApprovalGraph`) keep theirs under the same key, so one input fits all.
    public enum State: GraphState {
        public static let messages = Key<[ChatMessage]>.messages("messages")
        public static let schema = Schema(messages)

        /// A run's input: the user's next messages (none, to reply again).
        public static func input(_ messages: ChatMessage...) -> Value {
            .object(StateUpdate<State> { $0.messages = messages }.values)
        }
    }

    /// The graph's only node, the one that writes the reply.
    public static let model: NodeName = "model"

    public static func make(model: any ChatModel, system: String? = nil, maxTokens: Int? = nil,
                            checkpointer: (any Checkpointer)?) throws -> TypedCompiledGraph<State> {
        var graph = TypedStateGraph<State>()
        let node = ChatModelNode(model: model, system: system, maxTokens: maxTokens)
        graph.addNode(Self.model) { state, context in
            let added = try await node.respond(to: try state.messages, context)
            return StateUpdate { $0.messages = added }
        }
        graph.addEdge(.start, Self.model)
        return try graph.compile(checkpointer: checkpointer)
    }
}
