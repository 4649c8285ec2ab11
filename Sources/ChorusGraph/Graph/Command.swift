/// Returned by a node to update state and choose where to go next in one
/// value; given as run input to resume an interrupted run.
public struct Command: Sendable {
    /// State update, applied through the reducers like a plain node update.
    public var update: [String: Value]?
    /// Nodes or `Send`s to run next, in addition to the node's static edges.
    public var goto: [Route]
    /// Value returned by the pending `interrupt()` when this command resumes a run.
    public var resume: Value?

    public init(update: [String: Value]? = nil, goto: [Route] = [], resume: Value? = nil) {
        self.update = update
        self.goto = goto
        self.resume = resume
    }
}

/// What a node returns.
public enum NodeOutput: Sendable {
    /// A partial state update, keyed by state key. Undeclared keys are ignored.
    case update([String: Value])
    /// An update plus routing.
    case command(Command)
    /// No update (Python's `None`).
    case none
    /// A dynamically typed return, read as LangGraph reads what a node
    /// returns: an object is an update, `null` is no update, and anything
    /// else fails the task with `InvalidUpdateError`.
    case value(Value)

    var updateValues: [String: Value]? {
        switch self {
        case .update(let u): return u
        case .command(let c): return c.update
        case .none: return nil
        case .value(let v): return v.objectValue
        }
    }
}
