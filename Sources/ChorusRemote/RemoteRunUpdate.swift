import ChorusGraph

/// What a run stream means for a chat client, decoded from its events by `RunStreamDecoder`.
public enum RemoteRunUpdate: Sendable, Equatable {
    /// The run's id (the stream's first event).
    case started(runId: String)
    /// A token of the reply, from `node` at superstep `step`.
    case token(text: String, messageId: String, node: String, step: Int)
    /// Tasks stream side by side: a task gets a pane, named after its node (`worker 3`).
    case branchOpened(String)
    /// A token from a branch's task.
    case branchToken(branch: String, text: String)
    /// The branches of a step are done (the step's state arrived).
    case branchesDone
    /// A token of what follows the branches (a summary node streaming after them).
    case answerToken(String)
    /// A node of the root graph asked for a tool call (`id` pairs it with its result).
    case toolCalled(id: String, name: String, arguments: Value)
    /// A tool call's result came back into the state.
    case toolReturned(id: String, output: String)
    /// The run stopped on `interrupt()` calls; answering resumes it.
    case interrupted([RemoteInterrupt])
    /// The root graph's state after a step.
    case values(Value)
    /// A value a node wrote to the custom stream.
    case custom(Value)
    /// The run failed on the server.
    case failed(String)
}
