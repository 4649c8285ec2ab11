/// One item of a run streamed together with its events (`streamWithEvents`).
public enum RunOutput: Sendable {
    /// A part of one of the requested stream modes.
    case part(StreamPart)
    /// A run event (`astream_events` v2).
    case event(RunEvent)
}

extension CompiledGraph {
    /// `stream` and `events` in one run: the parts of `modes` and, when
    /// `events` is set, every run event, interleaved in the order they
    /// happen (LangGraph Platform's `stream_mode` list with `events` in it).
    /// The run stops when the consumer stops iterating or its task is cancelled.
    public func streamWithEvents(
        _ input: RunInput,
        modes: Set<StreamMode>,
        subgraphs: Bool = false,
        events: Bool,
        config: RunConfig = RunConfig()
    ) -> BatchingStream<RunOutput> {
        let buffer = StreamBuffer<RunOutput>()
        let reporter = events ? EventReporter(runId: EventReporter.newId(), tags: config.tags) { buffer.yield(.event($0)) } : nil
        let sink = RunSink(modes: modes, subgraphs: subgraphs, events: reporter) { buffer.yield(.part($0)) }
        let run = Task {
            if let reporter { reporter.emit(.runStart, from: reporter.root) }
            do {
                let loop = PregelLoop(graph: self, config: config, context: .root(sink: sink, checkpointer: self.checkpointer))
                let result = try await loop.run(input)
                if let reporter { reporter.emit(.runEnd(output: result.values), from: reporter.root) }
                buffer.finish()
            } catch {
                if let reporter, !(error is CancellationError) {
                    reporter.emit(.runError(message: ErrorReport.message(of: error)), from: reporter.root)
                }
                buffer.finish(throwing: error)
            }
        }
        buffer.setOnTermination { run.cancel() }
        return BatchingStream(buffer: buffer)
    }
}
