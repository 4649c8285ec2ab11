/// What the pending writes of an open superstep say about each task
/// (LangGraph 1.2's `read_task_statuses`).
///
/// Control writes (`__interrupt__`, `__resume__`, `__error__`) describe what
/// happened to a task; every other write is output, including the
/// `__no_writes__` marker of a task that finished without writing. A task is
/// finished exactly when it has output; an answered interrupt does not finish it.
struct TaskStatus {
    var output: [PendingWrite] = []
    var interrupts: [Interrupt] = []
    var error: String?

    var finished: Bool { !output.isEmpty }
    /// Interrupts still waiting for an answer: none once the task finished.
    var pendingInterrupts: [Interrupt] { finished ? [] : interrupts }

    static let control: Set<String> = [Reserved.interrupt, Reserved.resume, Reserved.error]

    /// Status of every task that wrote, by task id; input (null task) writes are skipped.
    static func read(_ writes: [PendingWrite]) -> [String: TaskStatus] {
        var statuses: [String: TaskStatus] = [:]
        for w in writes where w.taskId != Reserved.nullTaskId {
            var status = statuses[w.taskId] ?? TaskStatus()
            switch w.channel {
            case Reserved.interrupt:
                status.interrupts += (w.value.arrayValue ?? [w.value]).map(Interrupt.init(saved:))
            case Reserved.error:
                if status.error == nil { status.error = w.value.stringValue ?? "\(w.value)" }
            case Reserved.resume:
                break
            default:
                status.output.append(w)
            }
            statuses[w.taskId] = status
        }
        return statuses
    }
}
