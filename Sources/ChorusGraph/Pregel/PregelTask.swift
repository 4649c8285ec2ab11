/// Position of a task in its superstep; writes apply in this order, never in
/// finish order: edge-triggered ("pull") tasks by node name, then `Send`
/// ("push") tasks by index.
enum TaskPath: Sendable, Comparable {
    case pull(String)
    case push(Int)

    static func < (a: TaskPath, b: TaskPath) -> Bool {
        switch (a, b) {
        case (.pull(let x), .pull(let y)): return x < y
        case (.pull, .push): return true
        case (.push, .pull): return false
        case (.push(let x), .push(let y)): return x < y
        }
    }

    var description: String {
        switch self {
        case .pull(let name): return "pull:\(name)"
        case .push(let i): return "push:\(i)"
        }
    }
}

/// One node execution scheduled for a superstep.
struct PregelTask: Sendable {
    let id: String
    let name: String
    let path: TaskPath
    let input: Value
    /// Channels whose versions this task consumes (none for `Send` tasks).
    let triggers: [String]
    /// Writes the task made (or that were restored from pending writes).
    var writes: [(String, Value)] = []
    /// True when writes were restored from an earlier, interrupted attempt.
    var restored = false

    var isHidden: Bool { name == START }
}

/// How one task attempt ended.
enum TaskOutcome: Sendable {
    case success([(String, Value)])
    case interrupted([Interrupt], resumes: [Value]?)
    case failed(any Error)
}

/// Deterministic short ids: FNV-1a over the parts, as 16 hex digits.
enum StableID {
    static func make(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x100_0000_01b3
        }
        let s = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
