/// One run for `CompiledGraph.gather`: a graph, its input and its config.
public struct GatheredRun: Sendable {
    public var graph: CompiledGraph
    public var input: RunInput
    public var config: RunConfig

    public init(_ graph: CompiledGraph, _ input: RunInput, config: RunConfig = RunConfig()) {
        self.graph = graph
        self.input = input
        self.config = config
    }
}

extension CompiledGraph {
    /// Runs independent runs concurrently (Python's `asyncio.gather`) and
    /// returns their results in input order. With `maxConcurrency`, all the
    /// runs share one budget: at most that many node tasks in flight across
    /// all of them at any instant (each run's own `maxConcurrency` still
    /// applies). The first failure cancels the other runs and is thrown.
    public static func gather(_ runs: [GatheredRun], maxConcurrency: Int? = nil) async throws -> [RunResult] {
        let limiter = maxConcurrency.map { ConcurrencyLimiter(permits: $0) }
        return try await BoundedTaskGroup.map(runs, limit: nil) { run in
            var config = run.config
            if let limiter { config.limiter = limiter }
            return try await run.graph.invoke(run.input, config: config)
        }
    }

}
