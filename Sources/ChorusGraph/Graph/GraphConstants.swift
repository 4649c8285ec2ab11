/// The virtual entry node: edges from `START` run first.
public let START = "__start__"
/// The virtual exit node: an edge to `END` finishes that path.
public let END = "__end__"

/// Reserved channel and write names (LangGraph's own, so checkpoints read alike).
enum Reserved {
    static let tasks = "__pregel_tasks"
    /// Trigger of `Send` tasks: not a channel, so it marks a step without consuming anything.
    static let push = "__pregel_push"
    static let interrupt = "__interrupt__"
    static let resume = "__resume__"
    static let error = "__error__"
    static let noWrites = "__no_writes__"
    static let nullTaskId = "00000000-0000-0000-0000-000000000000"
    static func branchTo(_ node: String) -> String { "branch:to:\(node)" }
    static func join(_ sources: [String], _ target: String) -> String {
        "join:\(sources.joined(separator: "+")):\(target)"
    }
    /// Writes that carry control information, not channel updates.
    static let control: Set<String> = [interrupt, resume, error, noWrites]
}
