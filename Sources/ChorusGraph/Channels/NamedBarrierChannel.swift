/// Becomes available once every named source has written, then resets when
/// consumed (LangGraph `NamedBarrierValue`): the channel behind a join edge.
public struct NamedBarrierChannel: Channel {
    public let names: Set<String>
    private var seen: Set<String> = []

    public init(names: Set<String>) { self.names = names }

    public var value: Value? { seen == names ? .null : nil }

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
        guard seen == names else { return false }
        seen = []
        return true
    }

    public func checkpoint() -> Value? {
        seen.isEmpty ? nil : .array(seen.sorted().map { .string($0) })
    }

    public mutating func restore(_ saved: Value) throws {
        seen = Set((saved.arrayValue ?? []).compactMap(\.stringValue))
    }
}
