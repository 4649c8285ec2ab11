/// A superstep's tasks: launched under `maxConcurrency`, their outcomes
/// recorded (saved as pending writes, streamed) as they arrive.
extension PregelLoop {
    /// Runs the tasks that have no writes yet, at most `maxConcurrency` at a
    /// time; applies each outcome as it arrives. Returns the interrupts raised.
    /// When one fails, the others not yet recorded (running or still waiting
    /// for a slot) are cancelled and recorded as cancelled, as LangGraph does.
    func runTasks() async throws -> [Interrupt] {
        let due = tasks.indices.filter { !tasks[$0].restored }
        if due.isEmpty { return [] }
        var interrupts: [Interrupt] = []
        var failure: (any Error)?
        var recorded: Set<Int> = []
        let environment = TaskEnvironment(loop: self)
        let snapshot = tasks
        // Outcomes that arrived together are all recorded, as LangGraph
        // commits every task already done when one fails; tasks still
        // running then are cancelled, their outcomes ignored.
        try await BoundedTaskGroup.launch(count: due.count, limit: config.maxConcurrency) { i in
            await environment.execute(snapshot[due[i]])
        } receive: { i, outcome in
            if try await record(outcome, index: due[i], interrupts: &interrupts, failure: &failure) { recorded.insert(due[i]) }
            return failure == nil
        }
        if let failure {
            if !(failure is CancellationError) {
                for index in due where !recorded.contains(index) {
                    try await putWrites(taskId: tasks[index].id, named: [(Reserved.error, .string(Self.cancelledRepr))])
                }
            }
            throw failure
        }
        try Task.checkCancellation()
        // In the order they were raised, as LangGraph collects them: tasks start in
        // schedule order and run until they first wait, so those that never wait raise in that order.
        return interrupts
    }

    /// How LangGraph stores a task cancelled because a sibling failed.
    static let cancelledRepr = "CancelledError()"

    /// Applies one task's outcome; false for a task that was cancelled, which leaves no record.
    func record(_ outcome: TaskOutcome, index: Int, interrupts: inout [Interrupt], failure: inout (any Error)?) async throws -> Bool {
        let task = tasks[index]
        switch outcome {
        case .success(let writes, let resumes):
            tasks[index].writes = writes
            // A lone task's writes need no separate save: the checkpoint that
            // follows commits them, and if the process dies first the task was
            // the step in flight (`keepLoneTaskWrites` saves them when applying
            // them fails). Siblings' writes are saved so they never rerun.
            if checkpointer != nil && tasks.count > 1 { try await saveWrites(of: tasks[index], resumes: resumes) }
            emitUpdates(for: tasks[index], cached: false)
            emitTaskResult(task, writes: writes, error: nil, interrupts: [])
            try await cache(writes, of: task)
        case .interrupted(let raised, let resumes):
            var writes: [(String, Value)] = [(Reserved.interrupt, .array(raised.map(\.asValue)))]
            if let resumes { writes.append((Reserved.resume, .array(resumes))) }
            try await putWrites(taskId: task.id, named: writes)
            interrupts.append(contentsOf: raised)
            emitInterrupt(raised, hidden: task.isHidden)
            emitTaskResult(task, writes: [], error: nil, interrupts: raised)
        case .failed(let error):
            if failure == nil { failure = error }
            if error is CancellationError { return false }
            try await putWrites(taskId: task.id, named: [(Reserved.error, .string(ErrorReport.repr(of: error)))])
            emitTaskResult(task, writes: [], error: error, interrupts: [])
        }
        return true
    }

    /// Saves a finished task's writes as pending writes of the step's checkpoint.
    private func saveWrites(of task: PregelTask, resumes: [Value]?) async throws {
        var named = task.writes.map { (graph.topology.channelNames[$0.0], $0.1) }
        if let resumes { named.append((Reserved.resume, .array(resumes))) }
        try await putWrites(taskId: task.id, named: named.isEmpty ? [(Reserved.noWrites, .null)] : named)
    }

    /// A step whose writes could not be applied (a reducer refused one) keeps
    /// them as pending writes, as LangGraph does for every task: reading the
    /// state, or going on with no input, then fails the same way instead of
    /// running the task again. Siblings' writes were saved as they finished.
    func keepLoneTaskWrites() async throws {
        guard checkpointer != nil, tasks.count == 1, !tasks[0].restored else { return }
        try await saveWrites(of: tasks[0], resumes: nil)
    }

    /// Gives tasks of an interrupted step the writes they made before it stopped.
    func restoreFinishedWrites() {
        let statuses = TaskStatus.read(pendingWrites)
        for i in tasks.indices {
            if let status = statuses[tasks[i].id], status.finished {
                tasks[i].writes = graph.indexed(status.output)
                tasks[i].restored = true
            }
        }
    }
}
