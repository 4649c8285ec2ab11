/// A node's work: given its input (the graph state, or a `Send` argument),
/// return an update or a `Command`.
public typealias NodeAction = @Sendable (_ input: Value, _ context: NodeContext) async throws -> NodeOutput

/// A conditional edge: given the state after the node ran (with its own
/// writes applied), choose nodes, `END` or `Send`s. An empty list goes nowhere.
public typealias Router = @Sendable (_ state: Value) async throws -> [Route]

/// Builds a graph of nodes over a state schema; `compile()` checks it and
/// returns the runnable `CompiledGraph`.
public struct StateGraph: Sendable {
    enum NodeKind: Sendable {
        case start
        case action(NodeAction)
        case subgraph(CompiledGraph)
    }

    public let schema: StateSchema
    var nodes: [String: NodeKind] = [:]
    var nodeOrder: [String] = []
    var edges: [(from: String, to: String)] = []
    var joins: [(sources: [String], target: String)] = []
    var branches: [(from: String, router: Router)] = []
    /// Retry, timeout, cache and deferral settings of nodes that have any.
    var policies: [String: NodePolicy] = [:]

    public init(_ schema: StateSchema) {
        self.schema = schema
    }

    /// Adds a node that runs `action`.
    public mutating func addNode(_ name: String, _ action: @escaping NodeAction) {
        insert(name, .action(action))
    }

    /// Adds a node that runs `action` under `policy`: retried, time-limited,
    /// cached or deferred. A deferred node, once triggered, waits until
    /// nothing else is due in the run (LangGraph's `defer=True`), so a join
    /// after branches of different lengths runs once, after the longest.
    public mutating func addNode(_ name: String, policy: NodePolicy, _ action: @escaping NodeAction) {
        insert(name, .action(action))
        policies[name] = policy
    }

    /// Adds a compiled graph as a node: it receives this graph's state and its
    /// whole final state is applied back through this graph's reducers.
    public mutating func addNode(_ name: String, subgraph: CompiledGraph, policy: NodePolicy = .plain) {
        insert(name, .subgraph(subgraph))
        policies[name] = policy
    }

    /// `from` → `to`: `to` runs in the superstep after `from`.
    public mutating func addEdge(_ from: String, _ to: String) {
        edges.append((from, to))
    }

    /// Join: `to` runs once, after every node of `sources` has run.
    public mutating func addEdge(from sources: [String], to target: String) {
        if sources.count == 1 {
            edges.append((sources[0], target))
        } else {
            joins.append((sources, target))
        }
    }

    /// Conditional edge out of `from`.
    public mutating func addConditionalEdges(_ from: String, _ router: @escaping Router) {
        branches.append((from, router))
    }

    private mutating func insert(_ name: String, _ kind: NodeKind) {
        if nodes[name] != nil {
            duplicateNames.append(name)
            return
        }
        nodeOrder.append(name)
        nodes[name] = kind
    }
    private var duplicateNames: [String] = []

    /// Checks the graph and freezes it. Nodes with a `CachePolicy` are
    /// cached in `cache`; without one they always run.
    public func compile(
        checkpointer: (any Checkpointer)? = nil,
        cache: (any NodeCache)? = nil,
        interruptBefore: [String] = [],
        interruptAfter: [String] = []
    ) throws -> CompiledGraph {
        try validate(interruptBefore + interruptAfter)
        var all = nodes
        all[START] = .start
        var specs: [String: NodeSpec] = [:]
        for (name, kind) in all {
            var triggers = [name == START ? START : Reserved.branchTo(name)]
            var edgeWrites: [(String, Value)] = []
            for e in edges where e.from == name && e.to != END {
                edgeWrites.append((Reserved.branchTo(e.to), .null))
            }
            for j in joins {
                if j.target == name { triggers.append(Reserved.join(j.sources, j.target)) }
                if j.sources.contains(name) { edgeWrites.append((Reserved.join(j.sources, j.target), .string(name))) }
            }
            let routers = branches.filter { $0.from == name }.map(\.router)
            specs[name] = NodeSpec(name: name, kind: kind, triggers: triggers, edgeWrites: edgeWrites, routers: routers,
                                   policy: policies[name] ?? .plain)
        }
        return CompiledGraph(
            topology: GraphTopology(schema: schema, nodes: specs, joins: joins),
            checkpointer: checkpointer,
            cache: cache,
            interruptBefore: Set(interruptBefore),
            interruptAfter: Set(interruptAfter)
        )
    }

    private func validate(_ interruptNodes: [String]) throws {
        if let dup = duplicateNames.first { throw GraphError(.valueError, "Node `\(dup)` already present.") }
        for name in nodeOrder {
            if name == START || name == END { throw GraphError(.valueError, "Node `\(name)` is reserved.") }
            if name.isEmpty || name.contains("|") || name.contains(":") {
                throw GraphError(.valueError, "Node name '\(name)' must be non-empty and must not contain '|' or ':'.")
            }
        }
        func checkSource(_ s: String) throws {
            if s == END { throw GraphError(.valueError, "END cannot be a start node") }
            if s != START && nodes[s] == nil { throw GraphError(.valueError, "Found edge starting at unknown node '\(s)'") }
        }
        func checkTarget(_ t: String) throws {
            if t == START { throw GraphError(.valueError, "START cannot be an end node") }
            if t != END && nodes[t] == nil { throw GraphError(.valueError, "Found edge ending at unknown node `\(t)`") }
        }
        for e in edges { try checkSource(e.from); try checkTarget(e.to) }
        for j in joins {
            for s in j.sources { try checkSource(s) }
            try checkTarget(j.target)
        }
        for b in branches { try checkSource(b.from) }
        let hasEntry = edges.contains { $0.from == START } || branches.contains { $0.from == START }
            || joins.contains { $0.sources.contains(START) }
        if !hasEntry {
            throw GraphError(.valueError, "Graph must have an entrypoint: add at least one edge from START to another node")
        }
        for n in interruptNodes where nodes[n] == nil {
            throw GraphError(.valueError, "Interrupt node `\(n)` not found")
        }
    }
}

/// A node as the runtime sees it: what triggers it and what it writes besides its update.
struct NodeSpec: Sendable {
    let name: String
    let kind: StateGraph.NodeKind
    /// Channels whose update schedules this node.
    let triggers: [String]
    /// Writes of static and join edges, made whenever the node finishes.
    let edgeWrites: [(String, Value)]
    let routers: [Router]
    /// Retries, time limits, caching and deferral.
    let policy: NodePolicy
    /// Runs only when nothing else is due: its branch and join channels open after the run's last step.
    var isDeferred: Bool { policy.deferred }
}
