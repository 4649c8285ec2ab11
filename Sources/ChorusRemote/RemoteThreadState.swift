import ChorusGraph
import ChorusModels
import ChorusRuns

/// A thread's state (`GET /threads/{id}/state`): its values and the interrupts it waits on.
public struct RemoteThreadState: Sendable, Equatable {
    public var values: Value
    /// Nodes due next; empty when the thread is done.
    public var next: [String]
    /// The pending `interrupt()` calls, oldest first.
    public var interrupts: [RunInterrupt]

    init(wire: Value) {
        values = wire["values"] ?? .null
        next = wire["next"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var found: [RunInterrupt] = []
        for task in wire["tasks"]?.arrayValue ?? [] {
            for interrupt in task["interrupts"]?.arrayValue ?? [] { found.append(RunInterrupt(wire: interrupt)) }
        }
        interrupts = found
    }

    public var messages: [ChatMessage] { ChatMessage.messages(values["messages"]?.arrayValue ?? []) }
}

extension RunInterrupt {
    init(wire: Value) {
        self.init(value: wire["value"] ?? .null, id: wire["id"]?.stringValue ?? wire["interrupt_id"]?.stringValue)
    }
}
