/// What a run streams: values, updates, interrupts, task results and debug
/// parts, labelled with the run's namespace and step path.
extension PregelLoop {
    /// Identity of tasks prepared now: the current checkpoint, namespace and step.
    var origin: TaskOrigin { TaskOrigin(checkpointId: checkpointId, namespace: namespaceText, step: step) }

    func emitValues() {
        emittedValues = true
        guard sink.wants(.values, namespace: namespace) else { return }
        sink.emit(namespace, steps, .values(.object(state.stateValues())))
    }

    func emitUpdates(for task: PregelTask, cached: Bool) {
        guard !task.isHidden, sink.wants(.updates, namespace: namespace) else { return }
        let update = graph.stateUpdate(task.writes)
        var chunk: [String: Value] = [task.name: update.isEmpty ? .null : .object(update)]
        if cached { chunk["__metadata__"] = ["cached": true] }
        sink.emit(namespace, steps, .updates(.object(chunk)))
    }

    func emitInterrupt(_ raised: [Interrupt], hidden: Bool) {
        guard !hidden else { return }
        // The state shown with the interrupt counts as the run's latest values.
        emittedValues = true
        let list = Value.array(raised.map(\.asValue))
        if sink.wants(.updates, namespace: namespace) {
            sink.emit(namespace, steps, .updates(.object([Reserved.interrupt: list])))
        }
        if sink.wants(.values, namespace: namespace) {
            var values = state.stateValues()
            values[Reserved.interrupt] = list
            sink.emit(namespace, steps, .values(.object(values)))
        }
    }

    func emitTaskResult(_ task: PregelTask, writes: [(Int, Value)], error: (any Error)?, interrupts: [Interrupt]) {
        guard !task.isHidden, sink.wants(.debug, namespace: namespace) else { return }
        let result = graph.stateUpdate(writes)
        let errorValue: Value = error.map { .object(["type": .string(ErrorReport.type(of: $0)), "message": .string(ErrorReport.message(of: $0))]) } ?? .null
        emitDebug(type: "task_result", step: step, payload: [
            "id": .string(task.id), "name": .string(task.name), "error": errorValue, "result": .object(result),
            "interrupts": .array(interrupts.map(\.asValue)),
        ])
    }

    func emitDebugCheckpoint() {
        let snapshot = graph.snapshotTasks(tasks, pendingWrites: pendingWrites, live: false)
        emitDebug(type: "checkpoint", step: checkpointStep, payload: [
            "values": .object(state.stateValues()),
            "metadata": ["source": .string(checkpointSource?.rawValue ?? "loop"), "step": .int(checkpointStep)],
            "next": .array(tasks.map { .string($0.name) }),
            "tasks": .array(snapshot.map(\.asValue)),
        ])
    }

    func emitDebug(type: String, step: Int, payload: [String: Value]) {
        sink.emit(namespace, steps, .debug(.object(["type": .string(type), "step": .int(step), "payload": .object(payload)])))
    }
}
