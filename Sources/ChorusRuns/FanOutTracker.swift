/// Tells a run's reply from its branches, the same way for both backends.
/// Tokens are told apart by the root task that streamed them. Within one
/// superstep, tokens from two or more tasks mean the run fans out (`Send`
/// branches, parallel nodes, parallel subgraphs): each such task becomes a
/// branch, named after its node and numbered in the order branches first
/// stream (`worker 3`). Before that, tokens are the reply; after it, a task
/// alone in its step streams the answer, unless it runs the branches' node.
public struct FanOutTracker: Sendable {
    /// Tasks that streamed tokens in the current superstep, in order, with the tokens sent as reply tokens.
    private var stepTasks: [RootTask] = []
    private var replyTokens: [(task: RootTask, token: RunToken)] = []
    /// Branch names by task, once the run has fanned out.
    private var branches: [RootTask: String] = [:]
    private var branchNodes: [String: Int] = [:]
    private var fannedOut = false

    public init() {}

    /// The updates a token brings; `rootNode` is the node of its root task (`token.task`).
    public mutating func token(_ token: RunToken, rootNode: String) -> [RunUpdate] {
        let task = RootTask(node: rootNode, id: token.task)
        var updates: [RunUpdate] = []
        if !stepTasks.contains(task) {
            stepTasks.append(task)
            if stepTasks.count >= 2 || (fannedOut && branchNodes[task.node] != nil) {
                // Every task of this step streams side by side: each becomes a branch, with what it already sent.
                for earlier in stepTasks where branches[earlier] == nil {
                    let branch = open(earlier)
                    updates.append(.branchOpened(branch: branch, node: earlier.node, task: earlier.id))
                    for sent in replyTokens where sent.task == earlier {
                        var moved = sent.token
                        moved.part = .branch(branch)
                        updates.append(.token(moved))
                    }
                }
                fannedOut = true
            }
        }
        var token = token
        if let branch = branches[task] {
            token.part = .branch(branch)
        } else if fannedOut {
            token.part = .answer
        } else {
            token.part = .reply
            replyTokens.append((task, token))
        }
        return updates + [.token(token)]
    }

    /// A superstep ended: `branchesDone` when its tasks were branches.
    public mutating func stepEnded() -> [RunUpdate] {
        let done = fannedOut && stepTasks.contains { branches[$0] != nil }
        stepTasks = []
        replyTokens = []
        return done ? [.branchesDone] : []
    }

    /// Names the task's branch after its node: `worker 3` for the third `worker`.
    private mutating func open(_ task: RootTask) -> String {
        let count = branchNodes[task.node, default: 0] + 1
        branchNodes[task.node] = count
        let label = task.node + " " + String(count)
        branches[task] = label
        return label
    }
}
