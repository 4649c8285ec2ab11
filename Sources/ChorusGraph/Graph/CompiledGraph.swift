/// What a run starts from.
public enum RunInput: Sendable {
    /// New input state, applied through the reducers (LangGraph `invoke(input)`).
    case state(Value)
    /// Continue the thread from its checkpoint (LangGraph `invoke(None)`).
    case `continue`
    /// Answer the pending interrupt (LangGraph `Command(resume=value)`).
    case resume(Value)
    /// Update and/or route the thread before continuing.
    case command(Command)
}

/// The outcome of a finished (or interrupted) run.
public struct RunResult: Sendable {
    /// Final state (an object), or `.null` when the run never produced state.
    public let values: Value
    /// Interrupts the run stopped on, in task order; empty when it finished.
    public let interrupts: [Interrupt]
}

/// A graph ready to run. Safe to share between tasks and to run concurrently
/// on different threads.
public final class CompiledGraph: Sendable {
    let topology: GraphTopology
    /// Where checkpoints go; nil means runs keep no history.
    public let checkpointer: (any Checkpointer)?
    /// Where nodes with a `CachePolicy` keep their results; nil: never cached.
    public let cache: (any NodeCache)?
    /// `cache`, when it answers without suspending.
    let immediateCache: (any ImmediateNodeCache)?
    let interruptBefore: Set<String>
    let interruptAfter: Set<String>

    init(topology: GraphTopology, checkpointer: (any Checkpointer)?, cache: (any NodeCache)?, interruptBefore: Set<String>, interruptAfter: Set<String>) {
        self.topology = topology
        self.checkpointer = checkpointer
        self.cache = cache
        immediateCache = cache as? any ImmediateNodeCache
        self.interruptBefore = interruptBefore
        self.interruptAfter = interruptAfter
    }

    /// The state keys, in declaration order.
    public var stateKeys: [String] { topology.schema.keys }

    // MARK: running

    /// Runs the graph to the end (or to an interrupt) and returns the final state.
    public func invoke(_ input: RunInput, config: RunConfig = RunConfig()) async throws -> RunResult {
        let loop = PregelLoop(graph: self, config: config, context: .root(sink: .silent, checkpointer: checkpointer))
        return try await loop.run(input)
    }

    /// Runs the graph with a state input.
    public func invoke(_ state: [String: Value], config: RunConfig = RunConfig()) async throws -> RunResult {
        try await invoke(.state(.object(state)), config: config)
    }

    /// Streams a run. The run stops when the consumer stops iterating or its
    /// task is cancelled. Several modes may be combined; `subgraphs` adds the
    /// parts of subgraph runs, tagged with their namespace.
    public func stream(
        _ input: RunInput,
        modes: Set<StreamMode> = [.values],
        subgraphs: Bool = false,
        config: RunConfig = RunConfig()
    ) -> RunStream {
        let buffer = StreamBuffer<StreamPart>()
        let sink = RunSink(modes: modes, subgraphs: subgraphs) { part in buffer.yield(part) }
        let run = Task {
            do {
                let loop = PregelLoop(graph: self, config: config, context: .root(sink: sink, checkpointer: self.checkpointer))
                _ = try await loop.run(input)
                buffer.finish()
            } catch {
                buffer.finish(throwing: error)
            }
        }
        buffer.setOnTermination { run.cancel() }
        return RunStream(buffer: buffer)
    }

    /// Runs several inputs concurrently, at most `maxConcurrency` at once
    /// (default: the config's); results keep input order. Each input runs on
    /// its own config when `configs` is given.
    public func batch(
        _ inputs: [RunInput], config: RunConfig = RunConfig(), configs: [RunConfig]? = nil, maxConcurrency: Int? = nil
    ) async throws -> [RunResult] {
        let jobs = inputs.enumerated().map { (i, input) in (input, configs?[i] ?? config) }
        return try await BoundedTaskGroup.map(jobs, limit: maxConcurrency ?? config.maxConcurrency) { job in
            try await self.invoke(job.0, config: job.1)
        }
    }

    func runNested(input: Value, config: RunConfig, context: NestedRunContext) async throws -> Value {
        let loop = PregelLoop(graph: self, config: config, context: context)
        return try await loop.run(.state(input)).values
    }

    // MARK: node writes

    /// What a finished node writes: its update (declared keys only), its
    /// `Command` routing, its static and join edges, and its conditional edges.
    func writes(for output: NodeOutput, of node: Int, state: PregelState) async throws -> [(Int, Value)] {
        if case .value(let value) = output, value.objectValue == nil, !value.isNull {
            throw GraphError.invalidNodeReturn(value)
        }
        var writes: [(Int, Value)] = []
        if let update = output.updateValues {
            for (key, value) in update {
                if let chan = topology.stateChannel(key) { writes.append((chan, value)) }
            }
            if writes.count > 1 { writes.sort { $0.0 < $1.0 } }
        }
        if case .command(let command) = output {
            writes += try gotoWrites(command.goto)
        }
        writes += topology.nodeEdgeWrites[node]
        let routers = topology.nodes[node].routers
        if !routers.isEmpty {
            let fresh = try state.stateAfter(writes)
            for router in routers {
                writes += try gotoWrites(try await router(fresh))
            }
        }
        return writes
    }

    func gotoWrites(_ routes: [Route]) throws -> [(Int, Value)] {
        var writes: [(Int, Value)] = []
        for route in routes {
            switch route {
            case .node(let name):
                if name == END { continue }
                guard let n = topology.nodeIndex[name], name != START else {
                    throw GraphError(.invalidUpdate, "Invalid node name '\(name)': not found in the graph")
                }
                writes.append((topology.branchChannel[n], .null))
            case .send(let send):
                guard topology.nodeIndex[send.node] != nil, send.node != START else {
                    throw GraphError(.invalidUpdate, "Invalid Send target '\(send.node)': not found in the graph")
                }
                writes.append((topology.tasksChannel, send.packet))
            }
        }
        return writes
    }

    /// The state-key part of a task's writes, as `{key: value}`.
    func stateUpdate(_ writes: [(Int, Value)]) -> [String: Value] {
        var update: [String: Value] = [:]
        for (chan, value) in writes where chan < topology.stateCount { update[topology.schema.keys[chan]] = value }
        return update
    }

    /// Saved channel writes as channel numbers; control writes and unknown channels are left out.
    func indexed(_ writes: [PendingWrite]) -> [(Int, Value)] {
        writes.compactMap { w in topology.channelIndex[w.channel].map { ($0, w.value) } }
    }

    // MARK: state

    /// The thread's current state (or the one at `config.checkpointId`):
    /// values with finished tasks' writes applied, what runs next, and why it stopped.
    public func getState(config: RunConfig = RunConfig()) async throws -> StateSnapshot {
        let checkpointer = try requireCheckpointer()
        guard let saved = try await checkpointer.get(threadId: config.threadId, namespace: "", id: config.checkpointId) else {
            return StateSnapshot.empty
        }
        return try snapshot(of: saved, applyPendingWrites: config.checkpointId == nil)
    }

    /// Snapshots of the thread, newest first; `before` is a checkpoint id cursor.
    public func getStateHistory(config: RunConfig = RunConfig(), limit: Int? = nil, before: String? = nil) async throws -> [StateSnapshot] {
        let checkpointer = try requireCheckpointer()
        return try await checkpointer.list(threadId: config.threadId, namespace: "", before: before, limit: limit)
            .map { try snapshot(of: $0, applyPendingWrites: false) }
    }

    /// Changes the thread's state as if `asNode` had returned `values` (the
    /// node that ran last when nil), writing a checkpoint with source `update`.
    /// `values: nil` as `END` instead ends the pending step: finished tasks'
    /// writes apply, the rest are dropped, and nothing is left to run.
    /// Returns the new checkpoint id.
    @discardableResult
    public func updateState(config: RunConfig = RunConfig(), values: [String: Value]?, asNode: String? = nil) async throws -> String {
        let checkpointer = try requireCheckpointer()
        let saved = try await checkpointer.get(threadId: config.threadId, namespace: "", id: config.checkpointId)
        var state = PregelState(topology: topology)
        if values == nil && asNode == END {
            if let saved {
                let (open, tasks) = try openStep(saved, restoringFinished: true)
                state = open
                _ = try state.apply(tasks)
            }
        } else {
            if let saved { try state.restore(saved.checkpoint) }
            let node = try resolveUpdater(asNode, saved: saved, state: state)
            let n = topology.nodeIndex[node]!
            if node == START && values == nil {
                throw GraphError(.invalidUpdate, "Received no input writes for \(START)")
            }
            let writes = try await self.writes(for: values.map { .update($0) } ?? .none, of: n, state: state)
            _ = try state.apply([.writes(writes, as: node, node: n, bumpsStep: true)])
        }
        let step = (saved?.metadata.step ?? -1) + 1
        let id = CheckpointID.next()
        try await checkpointer.put(threadId: config.threadId, namespace: "", checkpoint: state.checkpoint(id: id),
                                   metadata: CheckpointMetadata(source: .update, step: step), parentId: saved?.checkpoint.id)
        return id
    }

    private func resolveUpdater(_ asNode: String?, saved: CheckpointTuple?, state: PregelState) throws -> String {
        if let asNode {
            guard topology.nodeIndex[asNode] != nil else { throw GraphError(.invalidUpdate, "Node \(asNode) does not exist") }
            return asNode
        }
        if topology.nodes.count == 1 || saved == nil { return START }
        let last = state.lastWriter()
        if let node = last.node { return node }
        if !last.found { return START }
        throw GraphError(.invalidUpdate, "Ambiguous update, specify as_node")
    }

    private func requireCheckpointer() throws -> any Checkpointer {
        guard let checkpointer else { throw GraphError(.valueError, "No checkpointer set") }
        return checkpointer
    }

    func snapshot(of saved: CheckpointTuple, applyPendingWrites: Bool) throws -> StateSnapshot {
        var (state, tasks) = try openStep(saved, restoringFinished: applyPendingWrites)
        let finished = tasks.filter(\.restored)
        if !finished.isEmpty { _ = try state.apply(finished) }
        return StateSnapshot(
            values: .object(state.stateValues()),
            next: tasks.filter { !$0.restored }.map(\.name),
            tasks: snapshotTasks(tasks, pendingWrites: saved.pendingWrites, live: applyPendingWrites),
            metadata: saved.metadata,
            checkpointId: saved.checkpoint.id,
            parentCheckpointId: saved.parentId)
    }

    /// The step a checkpoint leaves open: its state with pending input
    /// writes applied, and the tasks due, carrying the writes of those that
    /// already finished when `restoringFinished`.
    private func openStep(_ saved: CheckpointTuple, restoringFinished: Bool) throws -> (PregelState, [PregelTask]) {
        var state = PregelState(topology: topology)
        try state.restore(saved.checkpoint)
        let step = saved.metadata.step + 1
        var tasks = state.nextTasks(origin: TaskOrigin(checkpointId: saved.checkpoint.id, namespace: saved.namespace, step: step), candidates: nil)
        let nullWrites = saved.pendingWrites.filter { $0.taskId == Reserved.nullTaskId }
        if !nullWrites.isEmpty { _ = try state.apply([.writes(indexed(nullWrites))]) }
        if restoringFinished {
            let statuses = TaskStatus.read(saved.pendingWrites)
            for i in tasks.indices {
                if let status = statuses[tasks[i].id], status.finished {
                    tasks[i].writes = indexed(status.output)
                    tasks[i].restored = true
                }
            }
        }
        return (state, tasks)
    }

    /// Tasks as a snapshot reports them. `live` (the thread's current state)
    /// shows only interrupts still waiting; a past checkpoint shows all.
    func snapshotTasks(_ tasks: [PregelTask], pendingWrites: [PendingWrite], live: Bool) -> [StateSnapshot.TaskInfo] {
        let statuses = TaskStatus.read(pendingWrites)
        return tasks.map { task in
            let status = statuses[task.id] ?? TaskStatus()
            var result: Value?
            if status.finished {
                var writes: [String: Value] = [:]
                for w in status.output where topology.stateKeySet.contains(w.channel) {
                    if let existing = writes[w.channel] {
                        let earlier = existing["$writes"]?.arrayValue ?? [existing]
                        writes[w.channel] = .object(["$writes": .array(earlier + [w.value])])
                    } else {
                        writes[w.channel] = w.value
                    }
                }
                result = .object(writes)
            }
            return StateSnapshot.TaskInfo(id: task.id, name: task.name, interrupts: live ? status.pendingInterrupts : status.interrupts,
                                          result: result, error: status.error)
        }
    }
}
