/// A pause requested by a node (`context.interrupt(value)`) or by a static
/// `interruptBefore` / `interruptAfter` breakpoint.
public struct Interrupt: Sendable, Hashable {
    /// What the node asked, shown to whoever resumes the run.
    public let value: Value
    /// Stable id of the pending interrupt, usable to resume it by id.
    public let id: String

    public init(value: Value, id: String) {
        self.value = value
        self.id = id
    }

    /// `{"value", "id"}`, as LangGraph reports a pending interrupt.
    public var asValue: Value { .object(["value": value, "id": .string(id)]) }

    init(saved: Value) {
        self.init(value: saved["value"] ?? .null, id: saved["id"]?.stringValue ?? "")
    }
}

/// Thrown through a run to stop it at an interrupt. Callers of `invoke` and
/// `stream` never see it: the run ends normally with the interrupts reported.
public struct GraphInterrupt: Error, Sendable {
    public let interrupts: [Interrupt]
}
