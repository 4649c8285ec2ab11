/// Position of a task in its superstep; writes apply in this order, never in
/// finish order: edge-triggered ("pull") tasks by node name, then `Send`
/// ("push") tasks by index (LangGraph sorts by the path's string, and
/// "__pregel_pull" < "__pregel_push").
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

/// Identifies a task across attempts: the checkpoint it runs from, its
/// graph's namespace, its step and its path. The id string is made on demand.
struct TaskOrigin: Sendable {
    let checkpointId: String
    let namespace: String
    let step: Int

    func id(for path: TaskPath) -> String {
        StableID.make(checkpointId, namespace, String(step), path.description)
    }
}

/// One node execution scheduled for a superstep, or the writes of the input
/// or of `updateState` applied as if a task had made them.
struct PregelTask: Sendable {
    let name: String
    /// Index of the node in the topology; -1 for writes without a node.
    let node: Int
    let path: TaskPath
    let input: Value
    let origin: TaskOrigin?
    /// Marks a superstep (pull and push tasks); input and null writes don't.
    let bumpsStep: Bool
    /// True when it consumes the node's trigger channels (pull tasks).
    let isPull: Bool
    /// Channel writes the task made (or that were restored from pending writes).
    var writes: [(Int, Value)] = []
    /// True when writes were restored from an earlier, interrupted attempt,
    /// or taken from the node cache.
    var restored = false
    /// The node cache entry this task's writes go to, when its node is cached.
    var cacheKey: NodeCacheKey?

    var id: String { origin?.id(for: path) ?? Reserved.nullTaskId }
    var isHidden: Bool { name == START }

    /// Writes applied outside any node: input, resume commands, state updates.
    static func writes(_ writes: [(Int, Value)], as name: String = Reserved.interrupt, node: Int = -1, bumpsStep: Bool = false) -> PregelTask {
        PregelTask(name: name, node: node, path: .pull(""), input: .null, origin: nil, bumpsStep: bumpsStep, isPull: false, writes: writes)
    }
}

/// How one task attempt ended.
enum TaskOutcome: Sendable {
    case success([(Int, Value)], resumes: [Value]?)
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
