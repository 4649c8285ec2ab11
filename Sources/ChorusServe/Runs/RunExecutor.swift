import ChorusGraph
import ChorusStore
import ChorusSupport
import Foundation

/// Runs one served run on the engine and writes its events to the run's log.
struct RunExecutor: Sendable {
    let store: any ThreadRepository
    /// The database's checkpoints, for undoing a rolled-back run.
    let checkpoints: any RewindableCheckpointer
    /// Where stateless runs keep their temporary threads.
    let scratch: InMemoryCheckpointer
    /// The server-wide budget of node tasks (`--max-concurrency`), if any.
    let limiter: ConcurrencyLimiter?

    /// `attempt`: 1, or more when another instance began the run and died.
    func execute(_ run: ServedRun, attempt: Int = 1) async -> RunOutcome {
        let request = run.request
        let final = Locked<Value>(.null)
        run.log.append(event: "metadata", data: "{\"run_id\":" + JSON.serialize(.string(run.id)) + ",\"attempt\":\(attempt)}")
        defer {
            if run.isStateless { Task { [scratch, id = run.threadId] in try? await scratch.deleteThread(id) } }
        }
        do {
            try Task.checkCancellation()
            // The thread records which graph ran on it; written while the run starts, awaited before it ends.
            let annotation = Task { [store] in
                guard !run.isStateless else { return }
                try await store.annotate(run.threadId, metadata: ["graph_id": .string(run.assistant.graphId),
                                                                  "assistant_id": .string(run.assistant.assistantId)],
                                         kind: ThreadKind(rawValue: run.assistant.graphId))
            }
            var graph = run.isStateless ? run.assistant.statelessGraph : run.assistant.graph
            let hasBreakpoints = !request.interruptBefore.isEmpty || !request.interruptAfter.isEmpty
            if hasBreakpoints {
                graph = try graph.pausing(before: request.interruptBefore, after: request.interruptAfter)
            }
            let config = RunConfig(threadId: run.threadId, checkpointId: run.resumesFromCheckpoint ? nil : request.checkpointId,
                                   recursionLimit: request.recursionLimit ?? RunConfig.defaultRecursionLimit,
                                   maxConcurrency: request.maxConcurrency, tags: request.tags, durability: request.durability.engine,
                                   limiter: limiter)
            // Encoded and logged on the task that produced each part; the lock keeps events in order.
            let encoders = Locked((parts: StreamEncoder(run: run), events: EventsEncoder(run: run)))
            let subgraphs = request.streamSubgraphs
            // A run taken over from an instance that died goes on from its thread's last checkpoint.
            let input = run.resumesFromCheckpoint ? RunInput.continue : request.runInput
            try await graph.run(input, modes: request.engineModes, subgraphs: subgraphs,
                                events: request.streamModes.contains(.events), config: config) { output in
                encoders.withLock { encoders in
                    switch output {
                    case .part(let part):
                        if part.namespace.isEmpty, case .values(let state) = part.payload { final.withLock { $0 = state } }
                        for frame in encoders.parts.frames(for: part) { run.log.append(event: frame.event, data: frame.data) }
                    case .event(let event):
                        let frame = encoders.events.frame(for: event, subgraphs: subgraphs)
                        run.log.append(event: frame.event, data: frame.data)
                    }
                }
            }
            try await annotation.value
            try Task.checkCancellation()
            let values = final.withLock { $0 }
            run.recordEnd(values: values, error: nil)
            // A node's interrupt shows in the values; a breakpoint (served graphs have
            // them only per run) only in the tasks still due, so only then is the state read.
            if values["__interrupt__"] != nil { return .success(interrupted: true) }
            guard hasBreakpoints else { return .success(interrupted: false) }
            return .success(interrupted: !(try await graph.getState(config: RunConfig(threadId: run.threadId))).next.isEmpty)
        } catch where Task.isCancelled || error is CancellationError {
            run.recordEnd(values: final.withLock { $0 }, error: nil)
            if run.isRolledBack, !run.isStateless {
                // Multitask `rollback` or cancel with action=rollback: the thread is as before the run.
                // In a task of its own: this one is cancelled, and the store refuses work from cancelled tasks.
                try? await Task { [checkpoints] in try await checkpoints.deleteCheckpoints(threadId: run.threadId, since: run.createdAt) }.value
            }
            return .cancelled
        } catch {
            let type = ErrorReport.type(of: error)
            let message = ErrorReport.message(of: error)
            run.log.append(event: "error", data: JSON.serialize(WireJSON.failure(type: type, message: message), sortKeys: false))
            run.recordEnd(values: final.withLock { $0 }, error: (type, message))
            return .failed(type: type, message: message)
        }
    }
}
