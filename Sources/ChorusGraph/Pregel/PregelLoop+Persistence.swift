/// Saving a run as it goes: checkpoints after each superstep and the writes
/// of each finished task, awaited (`Durability.sync`) or queued (`.async`).
extension PregelLoop {
    func save(_ write: CheckpointWrite) async throws {
        if let saveQueue {
            try saveQueue.enqueue(write)
        } else if let checkpointer {
            try await checkpointer.save([write])
        }
    }

    func putCheckpoint(_ source: CheckpointMetadata.Source) async throws {
        let newId = checkpointer == nil ? "" : CheckpointID.next()
        if checkpointer != nil {
            try await save(.checkpoint(threadId: config.threadId, namespace: namespaceText, checkpoint: state.checkpoint(id: newId),
                                       metadata: CheckpointMetadata(source: source, step: step), parentId: checkpointId.isEmpty ? nil : checkpointId))
        }
        checkpointId = newId
        checkpointStep = step
        checkpointSource = source
        step += 1
    }

    func putWrites(taskId: String, named writes: [(String, Value)], replaceControl: Bool = false) async throws {
        guard checkpointer != nil else { return }
        var mine = writes.map { PendingWrite(taskId: taskId, channel: $0.0, value: $0.1) }
        if taskId == Reserved.nullTaskId {
            let incoming = Set(mine.map(\.channel))
            let kept = pendingWrites.filter { w in
                w.taskId == taskId && !(replaceControl && Reserved.control.contains(w.channel) && incoming.contains(w.channel))
            }
            mine = kept + mine
        }
        pendingWrites.removeAll { $0.taskId == taskId }
        pendingWrites.append(contentsOf: mine)
        if !checkpointId.isEmpty {
            try await save(.writes(threadId: config.threadId, namespace: namespaceText, checkpointId: checkpointId, taskId: taskId, writes: mine))
        }
    }
}
