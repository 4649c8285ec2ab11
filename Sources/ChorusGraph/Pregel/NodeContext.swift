/// What a running node can reach: its identity, the stream, interrupts and
/// the run's settings. Handed to every node call.
public struct NodeContext: Sendable {
    /// Name of the running node.
    public let node: String
    /// Superstep number of this task (LangGraph's `langgraph_step`).
    public let step: Int
    /// Checkpoint namespace of the graph running this node (`[]` at the root).
    public let namespace: [String]
    /// The run's settings.
    public let config: RunConfig
    let task: PregelTask

    let sink: RunSink
    let steps: [Int]
    let resumes: TaskResumes
    /// This task's identity in run events; nil when no one listens to them.
    let origin: EventOrigin?
    /// Which attempt of the task this is: 1 for the first, 2 for the first
    /// retry under a `RetryPolicy`, and so on.
    public let attempt: Int
    /// Progress of this attempt when it runs under a `TimeoutPolicy`.
    let progress: AttemptProgress?

    /// Unique id of this task, stable across attempts of the same superstep.
    public var taskId: String { task.id }

    /// Writes a value to the `custom` stream (LangGraph's `get_stream_writer()`).
    public func write(custom value: Value) {
        if let progress, !progress.touch() { return }
        if let events = sink.events, let origin { events.emit(.custom(value), from: origin) }
        guard sink.wants(.custom, namespace: namespace) else { return }
        sink.emit(namespace, steps, .custom(value))
    }

    /// True when someone consumes the run's events (`CompiledGraph.events`).
    public var reportsEvents: Bool { origin != nil }

    /// Starts reporting a chat-model call (`modelStart`) to the run's events;
    /// report its tokens and end through the returned reporter.
    public func modelCall(name: String, messageId: String) -> ModelCallReporter {
        progress?.touch()
        guard let events = sink.events, let origin else {
            return ModelCallReporter(reporter: nil, origin: nil, messageId: messageId, progress: progress)
        }
        let call = origin.child()
        events.emit(.modelStart(model: name), from: call)
        return ModelCallReporter(reporter: events, origin: call, messageId: messageId, progress: progress)
    }

    /// Reports the start of a tool call (`toolStart`); report its output through the returned reporter.
    public func toolStart(name: String, input: Value) -> ToolCallReporter {
        progress?.touch()
        guard let events = sink.events, let origin else { return ToolCallReporter(reporter: nil, origin: nil, name: name) }
        let call = origin.child()
        events.emit(.toolStart(name: name, input: input), from: call)
        return ToolCallReporter(reporter: events, origin: call, name: name)
    }

    /// True when someone is listening to `messages`; chat models may skip chunk work otherwise.
    public var streamsMessages: Bool { sink.wants(.messages, namespace: namespace) }

    /// Streams one token chunk of an AI message to the `messages` stream.
    public func emitMessageChunk(id: String, content: String, isLast: Bool = false, usage: Value? = nil) {
        if let progress, !progress.touch() { return }
        guard sink.wants(.messages, namespace: namespace) else { return }
        sink.emitChunk(namespace, steps, id: id, content: content, isLast: isLast, usage: usage,
                       meta: MessageMetadata(node: node, step: step, attempt: attempt, task: taskId))
    }

    /// Tells an idle `TimeoutPolicy` limit that the node is still working,
    /// for work that streams nothing (LangGraph's `runtime.heartbeat()`).
    public func heartbeat() {
        progress?.touch()
    }

    /// Pauses the run and surfaces `value` to the caller; when the run is
    /// resumed with `Command(resume:)`, the node runs again from the start and
    /// this call returns the resume value (the n-th call gets the n-th value).
    ///
    /// The interrupt's id is unique per task and call: the task id for its
    /// first `interrupt()`, `taskId:n` for the n-th after it. Resuming with
    /// an object whose keys are pending interrupt ids answers each of them.
    public func interrupt(_ value: Value) throws -> Value {
        let answer = resumes.next()
        if let resumed = answer.value { return resumed }
        throw GraphInterrupt(interrupts: [Interrupt(value: value, id: Interrupt.id(task: taskId, call: answer.index))])
    }

    /// Runs synchronous work that blocks its thread (I/O or a library call
    /// without async, a long CPU loop) off the cooperative pool, so other
    /// runs keep their speed while it blocks. Cancelling the run stops the
    /// wait at once; `body` itself runs to its end and its result is dropped.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await BlockingWork.run(body)
    }

    /// Runs `body` over `items` concurrently with at most the run's
    /// `maxConcurrency` in flight (all at once when unbounded); results keep input order.
    public func concurrentMap<T: Sendable, R: Sendable>(
        _ items: [T], _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        try await BoundedTaskGroup.map(items, limit: config.maxConcurrency, body)
    }
}

/// What a subgraph inherits from the task that runs it.
struct NestedRunContext: Sendable {
    let checkpointer: (any Checkpointer)?
    let namespace: [String]
    let steps: [Int]
    let resuming: Bool
    let nullResume: NullResume?
    /// Resume values by interrupt id (`Command(resume: {id: value})`), for the nested graph's own interrupts.
    let resumeById: [String: Value]
    let sink: RunSink
    /// Run-event ids of the runs enclosing this graph's tasks, outermost first.
    let parentIds: [String]

    static func root(sink: RunSink, checkpointer: (any Checkpointer)?) -> NestedRunContext {
        NestedRunContext(checkpointer: checkpointer, namespace: [], steps: [], resuming: false, nullResume: nil, resumeById: [:], sink: sink,
                         parentIds: sink.events.map { [$0.runId] } ?? [])
    }
}
