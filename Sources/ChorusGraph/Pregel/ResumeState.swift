import ChorusSupport

/// The resume value given to a run with `Command(resume:)` that no task has
/// claimed yet. Shared by a run and its subgraphs: the first `interrupt()`
/// without a value of its own takes it.
final class NullResume: Sendable {
    private let slot: Locked<Value?>

    init(_ value: Value?) { slot = Locked(value) }

    /// Takes the value, leaving nothing behind.
    func take() -> Value? { slot.withLock { v in defer { v = nil }; return v } }
}

/// Resume values of one task, in the order of its `interrupt()` calls.
final class TaskResumes: Sendable {
    private struct State {
        var values: [Value]
        var counter = 0
        var claimed = false
    }
    /// Nil for a task with nothing to resume (`none`): its first
    /// `interrupt()` pauses it, so that call is always call 0.
    private let state: Locked<State>?
    let fallback: NullResume?

    /// For tasks with nothing to resume: every `interrupt()` pauses. Shared,
    /// so the common task costs no allocation.
    static let none = TaskResumes()

    private init() {
        state = nil
        fallback = nil
    }

    /// `given` is true when `values` end with one given by this resume (a
    /// resume by interrupt id), so they are saved with the task's outcome.
    init(values: [Value], fallback: NullResume?, given: Bool = false) {
        state = Locked(State(values: values, claimed: given))
        self.fallback = fallback
    }

    /// Answers the next `interrupt()` call (the `index`-th of this task): a
    /// value to return, or nil to pause.
    func next() -> (value: Value?, index: Int) {
        guard let state else { return (nil, 0) }
        return state.withLock { s in
            let index = s.counter
            s.counter += 1
            if index < s.values.count { return (s.values[index], index) }
            if let v = fallback?.take() {
                s.values.append(v)
                s.claimed = true
                return (v, index)
            }
            return (nil, index)
        }
    }

    /// The resumes of the task's next attempt after a failed one: it runs
    /// from its first line again, so its `interrupt()` calls count from the
    /// first and get the values this attempt had, claimed ones included.
    func forRetry() -> TaskResumes {
        guard let state else { return self }
        let s = state.withLock { $0 }
        return TaskResumes(values: s.values, fallback: fallback, given: s.claimed)
    }

    /// Every resume value this task used, when it claimed a new one (to save with the task).
    var claimedValues: [Value]? {
        state?.withLock { s in s.claimed ? s.values : nil }
    }
}
