import Foundation

/// One event of a run's event stream (LangChain's `astream_events` v2): run,
/// node, model, tool and custom events, each stamped with who emitted it, so
/// a UI can route every token to the task that produced it.
public struct RunEvent: Sendable {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// The root run started.
        case runStart
        /// The root run finished (or stopped on interrupts) with these values.
        case runEnd(output: Value)
        /// The root run failed; the stream then throws the error.
        case runError(message: String)
        /// A node task started (inside a subgraph when `namespace` is not empty).
        case nodeStart
        /// A node task finished (or was interrupted).
        case nodeEnd
        /// A node task failed.
        case nodeError(message: String)
        /// A node attempt failed and its `RetryPolicy` runs it again: attempt
        /// `attempt` (of at most `maxAttempts`) starts after `delay` seconds.
        /// Tokens and custom output of the failed attempt are void.
        case nodeRetry(attempt: Int, maxAttempts: Int, delay: Double, reason: String)
        /// A chat-model call started.
        case modelStart(model: String)
        /// A token of a chat-model reply.
        case token(text: String, messageId: String)
        /// A chat-model call ended, with its token counts when known.
        case modelEnd(usage: Usage?)
        /// A chat-model call failed before its first token; attempt `attempt`
        /// (of at most `maxAttempts`) starts after `delay` seconds.
        case modelRetry(attempt: Int, maxAttempts: Int, delay: Double, reason: String)
        /// A tool call started.
        case toolStart(name: String, input: Value)
        /// A tool call ended.
        case toolEnd(name: String, output: Value)
        /// A value a node wrote with `write(custom:)`.
        case custom(Value)
    }

    /// Token counts of a model call.
    public struct Usage: Sendable, Equatable {
        /// Every prompt token, cached ones included.
        public var inputTokens: Int?
        public var outputTokens: Int?
        /// Prompt tokens read from the provider's prompt cache (part of `inputTokens`).
        public var cachedInputTokens: Int?
        /// Output tokens spent reasoning (part of `outputTokens`), where the provider says.
        public var reasoningTokens: Int?
        /// The model's context window, when the caller knew it.
        public var contextWindow: Int?
        /// What the call cost in US dollars, from the model's configured prices; nil without them.
        public var costUSD: Double?

        public init(inputTokens: Int?, outputTokens: Int?, cachedInputTokens: Int? = nil, reasoningTokens: Int? = nil,
                    contextWindow: Int? = nil, costUSD: Double? = nil) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.cachedInputTokens = cachedInputTokens
            self.reasoningTokens = reasoningTokens
            self.contextWindow = contextWindow
            self.costUSD = costUSD
        }
    }

    public let kind: Kind
    /// Id of the root run (a UUID string).
    public let runId: String
    /// Id of the emitting run: the root run, a task's run or a model or tool call.
    public let id: String
    /// Ids of the enclosing runs, outermost (the root run) first.
    public let parentIds: [String]
    /// The node whose task emitted the event; nil for run events.
    public let node: String?
    /// Id of that task, unique per task of the run; nil for run events.
    public let task: String?
    /// Superstep of that task in its graph; nil for run events.
    public let step: Int?
    /// `[]` at the root graph, `["node:<task id>", …]` inside subgraphs, as in `StreamPart`.
    public let namespace: [String]
    /// The run's `RunConfig.tags`.
    public let tags: [String]
    /// Seconds since 1970 when the event was emitted.
    public let timestamp: Double

    /// An event as a run reports it (public for tests and replays of recorded runs).
    public init(kind: Kind, runId: String, id: String, parentIds: [String], node: String?, task: String?, step: Int?,
                namespace: [String], tags: [String], timestamp: Double) {
        self.kind = kind
        self.runId = runId
        self.id = id
        self.parentIds = parentIds
        self.node = node
        self.task = task
        self.step = step
        self.namespace = namespace
        self.tags = tags
        self.timestamp = timestamp
    }
}

/// Who emits events: identity stamped on every event of one run, task, model
/// call or tool call.
struct EventOrigin: Sendable {
    let id: String
    let parentIds: [String]
    let node: String?
    let task: String?
    let step: Int?
    let namespace: [String]

    /// A run nested in this one (a model or tool call), with a fresh id.
    func child() -> EventOrigin {
        EventOrigin(id: EventReporter.newId(), parentIds: parentIds + [id], node: node, task: task, step: step, namespace: namespace)
    }
}

/// Where a run's events go; present on a `RunSink` only when someone listens.
final class EventReporter: Sendable {
    let runId: String
    let tags: [String]
    private let deliver: @Sendable (RunEvent) -> Void

    init(runId: String, tags: [String], deliver: @escaping @Sendable (RunEvent) -> Void) {
        self.runId = runId
        self.tags = tags
        self.deliver = deliver
    }

    static func newId() -> String { UUID().uuidString.lowercased() }

    /// The root run itself.
    var root: EventOrigin { EventOrigin(id: runId, parentIds: [], node: nil, task: nil, step: nil, namespace: []) }

    func emit(_ kind: RunEvent.Kind, from origin: EventOrigin) {
        deliver(RunEvent(kind: kind, runId: runId, id: origin.id, parentIds: origin.parentIds, node: origin.node, task: origin.task,
                         step: origin.step, namespace: origin.namespace, tags: tags, timestamp: Date().timeIntervalSince1970))
    }
}

extension CompiledGraph {
    /// The run's events (LangChain's `astream_events` v2): `runStart`, then
    /// every task's `nodeStart` … model, tool and custom events … `nodeEnd`
    /// (or `nodeError`), in subgraphs and `Send` tasks too, then `runEnd`, or
    /// `runError` followed by the stream throwing the error. Events of one
    /// task arrive in the order it emitted them. The run stops when the
    /// consumer stops iterating or its task is cancelled.
    public func events(_ input: RunInput, config: RunConfig = RunConfig()) -> BatchingStream<RunEvent> {
        let buffer = StreamBuffer<RunEvent>()
        let events = EventReporter(runId: EventReporter.newId(), tags: config.tags) { event in buffer.yield(event) }
        let sink = RunSink(modes: [], subgraphs: true, events: events) { _ in }
        let run = Task {
            events.emit(.runStart, from: events.root)
            do {
                let loop = PregelLoop(graph: self, config: config, context: .root(sink: sink, checkpointer: self.checkpointer))
                let result = try await loop.run(input)
                events.emit(.runEnd(output: result.values), from: events.root)
                buffer.finish()
            } catch {
                if !(error is CancellationError) { events.emit(.runError(message: ErrorReport.message(of: error)), from: events.root) }
                buffer.finish(throwing: error)
            }
        }
        buffer.setOnTermination { run.cancel() }
        return BatchingStream(buffer: buffer)
    }
}
