/// One run of a compiled graph: loads the thread's checkpoint, applies the
/// input, then runs supersteps until nothing is due, an interrupt, an error or
/// the recursion limit (LangGraph's `_loop.py`).
///
/// Owned by the task that runs it; node tasks never touch it. Their outcomes
/// come back to it through the task group and are applied here, in one place.
final class PregelLoop {
    let graph: CompiledGraph
    let config: RunConfig
    let context: NestedRunContext
    var sink: RunSink { context.sink }
    var namespace: [String] { context.namespace }
    let namespaceText: String
    var checkpointer: (any Checkpointer)? { context.checkpointer }

    var state: PregelState
    var checkpointId = ""
    var checkpointStep = -2
    var checkpointSource: CheckpointMetadata.Source?
    var pendingWrites: [PendingWrite] = []
    var step = -1
    var stop = 0
    /// Superstep number that stream parts are labelled with.
    var label = 0 {
        didSet { if label != oldValue { steps = context.steps + [label] } }
    }
    /// Step path of stream parts: the parent graphs' steps, then `label`.
    private(set) var steps: [Int] = []
    var phase = LoopPhase.running
    var nullResume: NullResume?
    /// Resume values by interrupt id, when the resume value was such a map.
    var resumeById: [String: Value] = [:]
    var updatedChannels: [Int]?
    var emittedValues = false
    var tasks: [PregelTask] = []
    /// False while the current step's writes are not yet applied to the channels.
    var stepApplied = true

    init(graph: CompiledGraph, config: RunConfig, context: NestedRunContext) {
        self.graph = graph
        self.config = config
        self.context = context
        self.namespaceText = context.namespace.joined(separator: "|")
        self.state = PregelState(topology: graph.topology)
        self.state.tracksNames = context.checkpointer != nil
        self.steps = context.steps + [0]
    }

    // MARK: run

    /// Runs to completion; returns the final state and the interrupts it stopped on.
    func run(_ input: RunInput) async throws -> RunResult {
        do {
            let result = try await runSteps(input)
            try await saveQueue?.flush()
            return result
        } catch {
            // Whatever ended the run, what it saved must be on record before it returns.
            try? await saveQueue?.flush()
            throw error
        }
    }

    private func runSteps(_ input: RunInput) async throws -> RunResult {
        if config.recursionLimit < 1 { throw GraphError.recursionLimitBelowOne }
        try await load()
        try await first(input)
        do {
            while try await tick() {}
        } catch let interrupt as GraphInterrupt {
            if !namespace.isEmpty { throw interrupt }
            return try suppress(interrupt)
        }
        return RunResult(values: emittedValues ? .object(state.stateValues()) : .null, interrupts: [])
    }

    /// Background saver for `Durability.async`; nil when saves are awaited.
    lazy var saveQueue: CheckpointQueue? = {
        guard let checkpointer, config.durability == .async else { return nil }
        return CheckpointQueue(checkpointer: checkpointer)
    }()

    private func load() async throws {
        if let checkpointer, let saved = try await checkpointer.get(threadId: config.threadId, namespace: namespaceText, id: namespace.isEmpty ? config.checkpointId : nil) {
            try state.restore(saved.checkpoint)
            checkpointId = saved.checkpoint.id
            checkpointStep = saved.metadata.step
            checkpointSource = saved.metadata.source
            pendingWrites = saved.pendingWrites
            if namespace.isEmpty && config.checkpointId != nil { phase = .replaying(resuming: false) }
        } else if namespace.isEmpty && config.checkpointId != nil {
            throw GraphError(.valueError, "No checkpoint '\(config.checkpointId!)' in thread '\(config.threadId)'")
        }
        step = checkpointStep + 1
        stop = step + config.recursionLimit + 1
    }

    /// Applies the input (or the resume command) before the first superstep.
    private func first(_ input: RunInput) async throws {
        var command: Command?
        switch input {
        case .resume(let value): command = Command(resume: value)
        case .command(let c): command = c
        default: break
        }
        let resumingInput: Bool
        switch input {
        case .continue, .resume, .command: resumingInput = true
        case .state: resumingInput = false
        }
        let resuming = state.hasHistory && (namespace.isEmpty ? resumingInput : context.resuming)
        phase = phase.isReplaying ? .replaying(resuming: resuming) : resuming ? .resuming : .running
        let timeTravelling = phase.isReplaying && command?.resume == nil
        if timeTravelling {
            pendingWrites.removeAll { $0.channel == Reserved.resume }
        }
        if let command {
            var writes: [(String, Value)] = []
            if let resume = command.resume {
                guard checkpointer != nil else {
                    throw GraphError(.runtime, "Cannot use Command(resume=...) without checkpointer")
                }
                if try resumeMap(resume) == nil, pendingInterruptCount() > 1 {
                    throw GraphError(.runtime, "When there are multiple pending interrupts, you must specify the interrupt id when resuming. Docs: https://docs.langchain.com/oss/python/langgraph/interrupts#handling-multiple-interrupts.")
                }
                writes.append((Reserved.resume, resume))
            }
            if let update = command.update {
                for key in graph.topology.schema.keys { if let v = update[key] { writes.append((key, v)) } }
            }
            writes += try graph.gotoWrites(command.goto).map { (graph.topology.channelNames[$0.0], $0.1) }
            if writes.isEmpty { throw GraphError(.emptyInput, "Received empty Command input") }
            try await putWrites(taskId: Reserved.nullTaskId, named: writes, replaceControl: true)
        }
        let nullWrites = pendingWrites.filter { $0.taskId == Reserved.nullTaskId }
        if !nullWrites.isEmpty {
            _ = try state.apply([.writes(graph.indexed(nullWrites))])
        }
        let resumeValue = nullWrites.last { $0.channel == Reserved.resume }?.value
        if !namespace.isEmpty {
            nullResume = context.nullResume
            resumeById = context.resumeById
        } else if let resumeValue, let map = try resumeMap(resumeValue) {
            resumeById = map
        } else {
            nullResume = resumeValue.map { NullResume($0) }
        }

        if phase.isResuming {
            state.markResumed()
            if timeTravelling && checkpointSource != .update && checkpointSource != .fork {
                pendingWrites.removeAll { $0.channel == Reserved.interrupt }
                try await putCheckpoint(.fork)
            }
            label = checkpointStep
            emitValues()
            return
        }
        guard case .state(let value) = input else {
            throw GraphError(.emptyInput, "Received no input for \(START)")
        }
        let discarded = state.nextTasks(origin: origin, candidates: nil)
        let inputTask = PregelTask.writes([(graph.topology.startChannel, value)], as: START)
        updatedChannels = try state.apply(discarded + [inputTask])
        pendingWrites = []
        label = step + 1
        try await putCheckpoint(.input)
    }

    // MARK: superstep

    private func tick() async throws -> Bool {
        if step > stop { throw GraphError.recursion(limit: config.recursionLimit) }
        tasks = state.nextTasks(origin: origin, candidates: updatedChannels.map { state.candidates(for: $0) })
        if checkpointer != nil, sink.wants(.debug, namespace: namespace) {
            emitDebugCheckpoint()
        }
        if tasks.isEmpty { return false }
        if !phase.isReplaying && !pendingWrites.isEmpty { restoreFinishedWrites() }
        if !graph.interruptBefore.isEmpty && state.shouldInterrupt(tasks, at: graph.interruptBefore) {
            throw GraphInterrupt(interrupts: [])
        }
        label = step
        if sink.wants(.debug, namespace: namespace) {
            for task in tasks where !task.isHidden {
                emitDebug(type: "task", step: step, payload: ["id": .string(task.id), "name": .string(task.name), "input": task.input])
            }
        }
        for task in tasks where task.restored {
            emitUpdates(for: task, cached: true)
        }
        if let cache = graph.cache { try await takeCachedWrites(from: cache) }
        stepApplied = false
        let interrupts = try await runTasks()
        if !interrupts.isEmpty { throw GraphInterrupt(interrupts: interrupts) }
        try await afterTick()
        return true
    }

    private func afterTick() async throws {
        let updated: [Int]
        do {
            updated = try state.apply(tasks)
        } catch {
            try await keepLoneTaskWrites()
            throw error
        }
        stepApplied = true
        updatedChannels = updated
        if updated.contains(where: { $0 < graph.topology.stateCount }) { emitValues() }
        pendingWrites = []
        phase = .running
        try await putCheckpoint(.loop)
        if !graph.interruptAfter.isEmpty && state.shouldInterrupt(tasks, at: graph.interruptAfter) {
            throw GraphInterrupt(interrupts: [])
        }
    }

    private func pendingInterruptCount() -> Int {
        TaskStatus.read(pendingWrites).values.reduce(0) { $0 + $1.pendingInterrupts.count }
    }

    /// The resume value as a map from interrupt id to value, when it is an
    /// object whose keys are all interrupt ids (LangGraph's
    /// `Command(resume={id: value})`, which also goes by the keys' shape);
    /// nil for any other value. Naming an interrupt that is not pending
    /// (answered already, or never raised) is an error.
    private func resumeMap(_ resume: Value) throws -> [String: Value]? {
        guard case .object(let map) = resume, !map.isEmpty, map.keys.allSatisfy(Interrupt.looksLikeId) else { return nil }
        let pending = Set(TaskStatus.read(pendingWrites).values.flatMap { $0.pendingInterrupts.map(\.id) })
        let unknown = map.keys.filter { !pending.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw GraphError(.runtime, "No pending interrupt with id \(unknown.map { "'\($0)'" }.joined(separator: ", ")); pending: \(pending.sorted().joined(separator: ", "))")
        }
        return map
    }

    // MARK: interrupts

    /// Ends a root run stopped by interrupts: applies what finished, reports the result.
    private func suppress(_ interrupt: GraphInterrupt) throws -> RunResult {
        if !stepApplied && tasks.contains(where: { !$0.writes.isEmpty }) {
            let updated = try state.apply(tasks)
            if updated.contains(where: { $0 < graph.topology.stateCount }) { emitValues() }
        }
        if interrupt.interrupts.isEmpty && sink.wants(.updates, namespace: namespace) {
            sink.emit(namespace, steps, .updates(.object([Reserved.interrupt: .array([])])))
        }
        return RunResult(values: emittedValues ? .object(state.stateValues()) : .null, interrupts: interrupt.interrupts)
    }
}
