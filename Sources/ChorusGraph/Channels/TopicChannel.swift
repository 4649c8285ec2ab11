/// Collects every write of one step as a list, replaced on the next step
/// (LangGraph `Topic(accumulate=False)`): pending `Send` packets live here.
public struct TopicChannel: Channel {
    private var items: [Value] = []

    public init() {}

    public var value: Value? { items.isEmpty ? nil : .array(items) }

    public mutating func update(_ writes: [Value]) throws -> Bool {
        let changed = !items.isEmpty || !writes.isEmpty
        items = writes
        return changed
    }

    public mutating func restore(_ saved: Value) throws { items = saved.arrayValue ?? [] }
}
