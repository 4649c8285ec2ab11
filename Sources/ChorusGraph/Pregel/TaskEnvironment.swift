/// What a node task needs from its run, captured once per superstep so tasks
/// never reach into the loop.
final class TaskEnvironment: Sendable {
    let graph: CompiledGraph
    let config: RunConfig
    let step: Int
    let steps: [Int]
    let namespace: [String]
    let sink: RunSink
    let state: PregelState
    let checkpointer: (any Checkpointer)?
    let resuming: Bool
    let nullResume: NullResume?
    let savedResumes: [String: [Value]]
    /// Per task: the value a resume by interrupt id gives its pending interrupt.
    let givenResumes: [String: Value]
    let resumeById: [String: Value]
    let parentIds: [String]

    init(loop: PregelLoop) {
        graph = loop.graph
        config = loop.config
        step = loop.step
        steps = loop.steps
        namespace = loop.namespace
        sink = loop.sink
        state = loop.state
        checkpointer = loop.checkpointer
        resuming = loop.phase.isResuming
        nullResume = loop.nullResume
        parentIds = loop.context.parentIds
        var saved: [String: [Value]] = [:]
        for w in loop.pendingWrites where w.channel == Reserved.resume && w.taskId != Reserved.nullTaskId {
            saved[w.taskId] = w.value.arrayValue ?? []
        }
        savedResumes = saved
        resumeById = loop.resumeById
        var given: [String: Value] = [:]
        if !loop.resumeById.isEmpty {
            for (taskId, status) in TaskStatus.read(loop.pendingWrites) {
                if let value = status.pendingInterrupts.lazy.compactMap({ loop.resumeById[$0.id] }).first { given[taskId] = value }
            }
        }
        givenResumes = given
    }

    /// Runs one task to an outcome; never throws. A node (not a subgraph)
    /// first takes a permit of the config's shared limiter, if any.
    func execute(_ task: PregelTask) async -> TaskOutcome {
        guard let limiter = config.limiter, case .action = graph.topology.nodes[task.node].kind else {
            return await reported(task)
        }
        do {
            return try await limiter.withPermit { await reported(task) }
        } catch {
            return .failed(error)
        }
    }

    /// Runs a task, reporting its start and end (or error) to the run's events when someone listens.
    private func reported(_ task: PregelTask) async -> TaskOutcome {
        let origin: EventOrigin? = task.isHidden ? nil : sink.events.map { events in
            let origin = EventOrigin(id: EventReporter.newId(), parentIds: parentIds, node: task.name, task: task.id, step: step, namespace: namespace)
            events.emit(.nodeStart, from: origin)
            return origin
        }
        let outcome = await run(task, origin: origin)
        if let events = sink.events, let origin {
            switch outcome {
            case .success, .interrupted: events.emit(.nodeEnd, from: origin)
            case .failed(let error) where !(error is CancellationError):
                events.emit(.nodeError(message: ErrorReport.message(of: error)), from: origin)
            case .failed: break
            }
        }
        return outcome
    }

    /// Runs a task's attempts: one, or as many as its node's `RetryPolicy`
    /// allows. A failed attempt leaves no writes; the next one starts afresh
    /// (its `interrupt()` calls count from the first again).
    private func run(_ task: PregelTask, origin: EventOrigin?) async -> TaskOutcome {
        let node = graph.topology.nodes[task.node]
        let saved = savedResumes.isEmpty ? [] : savedResumes[task.id] ?? []
        let given = givenResumes[task.id]
        var resumes = saved.isEmpty && nullResume == nil && given == nil
            ? TaskResumes.none : TaskResumes(values: saved + (given.map { [$0] } ?? []), fallback: nullResume, given: given != nil)
        var failedAttempts = 0
        while true {
            let outcome = await attempt(task, node: node, number: failedAttempts + 1, resumes: resumes, origin: origin)
            guard case .failed(let error) = outcome, !node.policy.retry.isEmpty, !(error is CancellationError),
                let policy = node.policy.retryPolicy(for: error)
            else { return outcome }
            failedAttempts += 1
            if failedAttempts >= policy.maxAttempts { return outcome }
            let delay = policy.delay(afterFailedAttempts: failedAttempts)
            if let events = sink.events, let origin {
                events.emit(.nodeRetry(attempt: failedAttempts + 1, maxAttempts: policy.maxAttempts, delay: delay,
                                       reason: ErrorReport.message(of: error)), from: origin)
            }
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return .failed(CancellationError())
            }
            resumes = resumes.forRetry()
        }
    }

    private func attempt(_ task: PregelTask, node: NodeSpec, number: Int, resumes: TaskResumes, origin: EventOrigin?) async -> TaskOutcome {
        let tracksMessages = sink.wants(.messages, namespace: namespace)
        do {
            if tracksMessages { sink.noteInputMessages(task.input) }
            let output: NodeOutput
            if let timeout = node.policy.timeout {
                let progress = AttemptProgress()
                output = try await AttemptTimer.run(timeout, node: task.name, progress: progress) {
                    try await self.output(of: task, node: node, attempt: number, resumes: resumes, progress: progress, origin: origin)
                }
            } else {
                output = try await self.output(of: task, node: node, attempt: number, resumes: resumes, progress: nil, origin: origin)
            }
            if tracksMessages, let update = output.updateValues {
                sink.emitNewMessages(namespace, steps, output: update, meta: MessageMetadata(node: task.name, step: step, attempt: number, task: task.id))
            }
            let writes = try await graph.writes(for: output, of: task.node, state: state)
            return .success(writes, resumes: resumes.claimedValues)
        } catch let interrupt as GraphInterrupt {
            return .interrupted(interrupt.interrupts, resumes: resumes.claimedValues)
        } catch {
            return .failed(error)
        }
    }

    private func output(
        of task: PregelTask, node: NodeSpec, attempt: Int, resumes: TaskResumes, progress: AttemptProgress?, origin: EventOrigin?
    ) async throws -> NodeOutput {
        switch node.kind {
        case .start:
            guard case .object(let input) = task.input else { throw GraphError.invalidNodeReturn(task.input) }
            return .update(input)
        case .action(let action):
            let context = NodeContext(node: task.name, step: step, namespace: namespace, config: config, task: task,
                                      sink: sink, steps: steps, resumes: resumes, origin: origin, attempt: attempt, progress: progress)
            return try await action(task.input, context)
        case .subgraph(let subgraph):
            let result = try await subgraph.runNested(input: task.input, config: config, context: nestedContext(for: task, origin: origin))
            return .update(result.objectValue ?? [:])
        }
    }

    private func nestedContext(for task: PregelTask, origin: EventOrigin?) -> NestedRunContext {
        NestedRunContext(checkpointer: checkpointer, namespace: namespace + ["\(task.name):\(task.id)"], steps: steps,
                         resuming: resuming, nullResume: nullResume, resumeById: resumeById, sink: sink, parentIds: origin.map { $0.parentIds + [$0.id] } ?? [])
    }
}
