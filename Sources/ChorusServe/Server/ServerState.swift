import ChorusGraph
import ChorusStore
import Foundation

/// What every route shares: the store, the assistants, the runs and the limits.
struct ServerState: Sendable {
    let store: any ThreadRepository
    let catalog: AssistantCatalog
    let runs: RunManager
    /// Largest request body read, in bytes (413 above).
    let bodyLimit: Int

    /// The thread, or 404.
    func thread(_ id: String) async throws -> ThreadRecord {
        guard let record = try await store.get(id) else { throw APIError.threadNotFound(id) }
        return record
    }

    /// The graph that keeps a thread's state.
    func assistant(for record: ThreadRecord) -> Assistant {
        catalog.forThread(graphId: record.metadata["graph_id"]?.stringValue, kind: record.kind.rawValue)
    }

    /// The thread's state now (or at `checkpointId`).
    func snapshot(of record: ThreadRecord, checkpointId: String? = nil) async throws -> StateSnapshot {
        try await assistant(for: record).graph.getState(config: RunConfig(threadId: record.id, checkpointId: checkpointId))
    }

    /// The thread object of the API.
    func threadJSON(_ record: ThreadRecord) async throws -> Value {
        let snapshot: StateSnapshot
        do {
            snapshot = try await self.snapshot(of: record)
        } catch {
            // The step in flight holds a write its reducer refuses (a failed run): the thread
            // still shows, with the state of its last checkpoint, as LangGraph's `get_state` cannot.
            guard let latest = try await assistant(for: record).graph.getStateHistory(config: RunConfig(threadId: record.id), limit: 1).first
            else { throw error }
            snapshot = latest
        }
        let hasState = snapshot.checkpointId != nil
        let interrupts = snapshot.tasks.filter { !$0.interrupts.isEmpty }
        var status = interrupts.isEmpty && (snapshot.next.isEmpty || !hasState) ? "idle" : "interrupted"
        var error: Value = .null
        if let activity = try await runs.activity(of: record.id) {
            status = activity.status
            if let failure = activity.error { error = WireJSON.failure(type: failure.type, message: failure.message) }
        }
        let updated = Value.string(WireClock.timestamp(record.updatedAt))
        return .object([
            "thread_id": .string(record.id), "created_at": .string(WireClock.timestamp(record.createdAt)), "updated_at": updated,
            "state_updated_at": updated, "metadata": .object(record.metadata), "status": .string(status), "config": .object([:]),
            "values": hasState ? WireMessage.state(snapshot.values) : .null, "error": error,
            "interrupts": .object(Dictionary(uniqueKeysWithValues: interrupts.map { task in
                (task.id, Value.array(task.interrupts.map(\.asValue)))
            })),
        ])
    }

    /// A `ThreadState` object (`get_state`, `get_history`).
    static func stateJSON(_ snapshot: StateSnapshot, threadId: String) -> Value {
        func reference(_ id: String?) -> Value {
            guard let id else { return .null }
            return .object(["thread_id": .string(threadId), "checkpoint_ns": "", "checkpoint_id": .string(id)])
        }
        let tasks: [Value] = snapshot.tasks.map { task in
            .object([
                "id": .string(task.id), "name": .string(task.name), "path": .array([]), "error": task.error.map(Value.string) ?? .null,
                "interrupts": .array(task.interrupts.map(\.asValue)),
                "checkpoint": .null, "state": .null, "result": task.result ?? .null,
            ])
        }
        let interrupts: [Value] = snapshot.tasks.flatMap { $0.interrupts.map(\.asValue) }
        let created = snapshot.checkpointId.flatMap(CheckpointID.date(of:)).map { Value.string(WireClock.timestamp($0)) } ?? .null
        let metadata: Value = snapshot.metadata.map {
            .object(["source": .string($0.source.rawValue), "step": .int($0.step), "parents": .object([:])])
        } ?? .null
        return .object([
            "values": WireMessage.state(snapshot.values), "next": .array(snapshot.next.map(Value.string)), "tasks": .array(tasks),
            "metadata": metadata, "created_at": created, "checkpoint": reference(snapshot.checkpointId),
            "parent_checkpoint": reference(snapshot.parentCheckpointId), "interrupts": .array(interrupts),
            "checkpoint_id": snapshot.checkpointId.map(Value.string) ?? .null,
            "parent_checkpoint_id": snapshot.parentCheckpointId.map(Value.string) ?? .null,
        ])
    }
}
