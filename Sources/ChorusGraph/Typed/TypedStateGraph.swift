/// Builds a graph over a typed state: nodes read a `StateView` and answer
/// a `StateUpdate`, routers read a `StateView`, and `Send` payloads are Swift
/// values. It compiles to the same engine as `StateGraph` (which stays the
/// dynamic API, for graphs described at run time).
///
/// A node's update may only name keys of `State.schema`; any other key fails
/// the task with `InvalidUpdateError`. (The dynamic API drops such keys
/// without a word, as LangGraph does for a `TypedDict` state.)
public struct TypedStateGraph<State: GraphState>: Sendable {
    /// The dynamic graph being built.
    public var graph: StateGraph { builder }
    @usableFromInline var builder: StateGraph

    public init() {
        builder = StateGraph(State.schema.dynamic)
    }

    /// Adds a node that reads the state.
    @inlinable public mutating func addNode(_ name: NodeName, policy: NodePolicy = .plain,
                                 _ action: @escaping @Sendable (StateView<State>, NodeContext) async throws -> StateUpdate<State>) {
        let keys = State.schema.keyCheck
        builder.addNode(name.rawValue, policy: policy) { input, context in
            let update = try await action(StateView(input), context)
            return try keys.output(update.writes, goto: update.goto, node: name.rawValue)
        }
    }

    /// Adds a node that runs on a `Send` payload of type `Payload` instead of the state.
    @inlinable public mutating func addNode<Payload: StateValue>(_ name: NodeName, input: Payload.Type, policy: NodePolicy = .plain,
                                                      _ action: @escaping @Sendable (Payload, NodeContext) async throws -> StateUpdate<State>) {
        let keys = State.schema.keyCheck
        builder.addNode(name.rawValue, policy: policy) { input, context in
            let payload: Payload
            do { payload = try Payload(stateValue: input) } catch {
                throw GraphError(.typeError, "node '\(name)' takes \(Payload.self): \(error)")
            }
            let update = try await action(payload, context)
            return try keys.output(update.writes, goto: update.goto, node: name.rawValue)
        }
    }

    /// Adds a compiled graph as a node (see `StateGraph.addNode(_:subgraph:policy:)`).
    @inlinable public mutating func addNode<Inner>(_ name: NodeName, subgraph: TypedCompiledGraph<Inner>, policy: NodePolicy = .plain) {
        builder.addNode(name.rawValue, subgraph: subgraph.graph, policy: policy)
    }

    /// `from` → `to`: `to` runs in the superstep after `from`.
    @inlinable public mutating func addEdge(_ from: NodeName, _ to: NodeName) {
        builder.addEdge(from.rawValue, to.rawValue)
    }

    /// Join: `target` runs once, after every node of `sources` has run.
    @inlinable public mutating func addEdge(from sources: [NodeName], to target: NodeName) {
        builder.addEdge(from: sources.map(\.rawValue), to: target.rawValue)
    }

    /// Conditional edge out of `from`: the router reads the state and picks
    /// nodes (`.to(…)`), `Send`s (`.send(…)`) or `.end`.
    @inlinable public mutating func addConditionalEdges(_ from: NodeName, _ router: @escaping @Sendable (StateView<State>) async throws -> [Route]) {
        builder.addConditionalEdges(from.rawValue) { state in try await router(StateView(state)) }
    }

    /// Checks the graph and freezes it (see `StateGraph.compile`).
    public func compile(checkpointer: (any Checkpointer)? = nil, cache: (any NodeCache)? = nil,
                        interruptBefore: [NodeName] = [], interruptAfter: [NodeName] = []) throws -> TypedCompiledGraph<State> {
        TypedCompiledGraph(graph: try builder.compile(checkpointer: checkpointer, cache: cache,
                                                    interruptBefore: interruptBefore.map(\.rawValue),
                                                    interruptAfter: interruptAfter.map(\.rawValue)))
    }
}
