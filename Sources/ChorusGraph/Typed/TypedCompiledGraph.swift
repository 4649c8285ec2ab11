/// A typed graph ready to run. `graph` is the engine's `CompiledGraph`, for
/// streaming, state history and serving, which work on engine values.
public struct TypedCompiledGraph<State: GraphState>: Sendable {
    public let graph: CompiledGraph

    /// Runs the graph from `input` (writes applied through the reducers) to
    /// its end or an interrupt. Throws `InvalidUpdateError` when the input
    /// names a key that is not in the schema.
    public func invoke(_ input: StateUpdate<State>, config: RunConfig = RunConfig()) async throws -> TypedRunResult<State> {
        try State.schema.keyCheck.check(input.values, from: "the input")
        return TypedRunResult(try await graph.invoke(.state(.object(input.values)), config: config))
    }

    /// Continues, resumes or commands a thread (see `RunInput`).
    public func invoke(_ input: RunInput, config: RunConfig = RunConfig()) async throws -> TypedRunResult<State> {
        TypedRunResult(try await graph.invoke(input, config: config))
    }

    /// Runs the graph and reports what happens in it (see `CompiledGraph.events`).
    public func events(_ input: RunInput, config: RunConfig = RunConfig()) -> BatchingStream<RunEvent> {
        graph.events(input, config: config)
    }

    /// The thread's current state, typed.
    public func state(config: RunConfig) async throws -> StateView<State> {
        StateView(try await graph.getState(config: config).values)
    }
}

/// A finished or interrupted typed run.
public struct TypedRunResult<State: GraphState>: Sendable {
    /// The final state.
    public let state: StateView<State>
    /// Interrupts the run stopped on; empty when it finished.
    public let interrupts: [Interrupt]

    init(_ result: RunResult) {
        state = StateView(result.values)
        interrupts = result.interrupts
    }
}
