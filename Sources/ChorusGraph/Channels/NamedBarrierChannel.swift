/// Becomes available once every named source has written, then resets when
/// consumed (LangGraph `NamedBarrierValue`): the channel behind a join edge.
/// With `afterFinish` (a join into a deferred node, LangGraph
/// `NamedBarrierValueAfterFinish`) it also waits for the run's last step.
public struct NamedBarrierChannel: Channel {
    public let names: Set<String>
    public let afterFinish: Bool
    private var seen: Set<String> = []
    private var finished = false

    public init(names: Set<String>, afterFinish: Bool = false) {
        self.names = names
        self.afterFinish = afterFinish
    }

    private var isOpen: Bool { seen == names && (finished || !afterFinish) }

    public var value: Value? { isOpen ? .null : nil }

    public mutating func update(_ writes: [Value]) throws -> Bool {
        var changed = false
        for write in writes {
            guard let name = write.stringValue, names.contains(name) else {
                throw GraphError(.invalidUpdate, "At key 'join': Value \(write) not in \(names.sorted())")
            }
            if seen.insert(name).inserted { changed = true }
        }
        return changed
    }

    public mutating func consume() -> Bool {
        guard isOpen else { return false }
        seen = []
        finished = false
        return true
    }

    public mutating func finish() -> Bool {
        guard afterFinish, !finished, seen == names else { return false }
        finished = true
        return true
    }

    public func checkpoint() -> Value? {
        if seen.isEmpty { return nil }
        let sources = Value.array(seen.sorted().map { .string($0) })
        return afterFinish ? .object(["seen": sources, "finished": .bool(finished)]) : sources
    }

    public mutating func restore(_ saved: Value) throws {
        let sources = afterFinish ? saved["seen"] : saved
        seen = Set((sources?.arrayValue ?? []).compactMap(\.stringValue))
        finished = afterFinish && saved["finished"] == .bool(true)
    }
}
