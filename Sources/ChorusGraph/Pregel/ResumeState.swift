
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
    private let state: Locked<State>
    let fallback: NullResume?

    /// For tasks with nothing to resume: every `interrupt()` pauses.
    static let none = TaskResumes(values: [], fallback: nil)

    init(values: [Value], fallback: NullResume?) {
        state = Locked(State(values: values))
        self.fallback = fallback
    }

    /// Answers the next `interrupt()` call: a value to return, or nil to pause.
    func next() -> Value? {
        state.withLock { s in
            let index = s.counter
            s.counter += 1
            if index < s.values.count { return s.values[index] }
            if let v = fallback?.take() {
                s.values.append(v)
                s.claimed = true
                return v
            }
            return nil
        }
    }

    /// Every resume value this task used, when it claimed a new one (to save with the task).
    var claimedValues: [Value]? {
        state.withLock { s in s.claimed ? s.values : nil }
    }
}
