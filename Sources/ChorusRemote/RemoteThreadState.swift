import ChorusGraph

/// A thread's state (`GET /threads/{id}/state`): its values and the interrupts it waits on.
public struct RemoteThreadState: Sendable, Equatable {
    public var values: Value
    /// Nodes due next; empty when the thread is done.
    public var next: [String]
    /// The pending `interrupt()` calls, oldest first.
    public var interrupts: [RemoteInterrupt]

    init(wire: Value) {
        values = wire["values"] ?? .null
        next = wire["next"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var found: [RemoteInterrupt] = []
        for task in wire["tasks"]?.arrayValue ?? [] {
            for interrupt in task["interrupts"]?.arrayValue ?? [] { found.append(RemoteInterrupt(wire: interrupt)) }
        }
        interrupts = found
    }

    public var messages: [Value] { values["messages"]?.arrayValue ?? [] }
}

/// A pending `interrupt()`: the value it showed and its id (for resuming by id).
public struct RemoteInterrupt: Sendable, Equatable {
    public var value: Value
    public var id: String?

    public init(value: Value, id: String?) {
        self.value = value
        self.id = id
    }

    init(wire: Value) {
        value = wire["value"] ?? .null
        id = wire["id"]?.stringValue ?? wire["interrupt_id"]?.stringValue
    }
}
