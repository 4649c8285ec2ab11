/// The channel of a key with the `messages` reducer (LangGraph's
/// `BinaryOperatorAggregate` with `add_messages`), folding writes into its
/// list in place rather than rebuilding the whole list per write.
struct MessagesChannel: Channel {
    private var list = MessageList.Accumulator(restoring: .array([]))

    var value: Value? { list.value }

    mutating func update(_ writes: [Value]) throws -> Bool {
        if writes.isEmpty { return false }
        for write in writes { try list.add(write) }
        return true
    }

    mutating func restore(_ saved: Value) throws {
        list = MessageList.Accumulator(restoring: saved)
    }
}
