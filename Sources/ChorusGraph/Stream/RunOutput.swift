/// One item a run hands to `CompiledGraph.run(_:modes:subgraphs:events:config:deliver:)`.
public enum RunOutput: Sendable {
    /// A part of one of the requested stream modes.
    case part(StreamPart)
    /// A run event (`astream_events` v2).
    case event(RunEvent)
}

extension CompiledGraph {
    /// Runs the graph and hands each part of `modes` and, when `events` is
    /// set, each run event to `deliver` the moment it is produced, on the
    /// task that produced it: no consumer task in between, which is what a
    /// server streaming many runs at once wants. Node tasks run concurrently,
    /// so `deliver` must be thread-safe and quick. Cancelling the calling
    /// task stops the run.
    @discardableResult
    public func run(
        _ input: RunInput,
        modes: Set<StreamMode>,
        subgraphs: Bool = false,
        events: Bool,
        config: RunConfig = RunConfig(),
        deliver: @escaping @Sendable (RunOutput) -> Void
    ) async throws -> RunResult {
        let reporter = events ? EventReporter(runId: EventReporter.newId(), tags: config.tags) { deliver(.event($0)) } : nil
        let sink = RunSink(modes: modes, subgraphs: subgraphs, events: reporter) { deliver(.part($0)) }
        if let reporter { reporter.emit(.runStart, from: reporter.root) }
        do {
            let loop = PregelLoop(graph: self, config: config, context: .root(sink: sink, checkpointer: checkpointer))
            let result = try await loop.run(input)
            if let reporter { reporter.emit(.runEnd(output: result.values), from: reporter.root) }
            return result
        } catch {
            if let reporter, !(error is CancellationError) {
                reporter.emit(.runError(message: ErrorReport.message(of: error)), from: reporter.root)
            }
            throw error
        }
    }
}
