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

    /// The id of a task's `call`-th `interrupt()` (counting from 0).
    static func id(task: String, call: Int) -> String {
        call == 0 ? task : "\(task):\(call)"
    }

    /// Whether `text` has the shape of an interrupt id: a task id (16
    /// lowercase hex digits), optionally `:n`.
    static func looksLikeId(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].utf8.count == 16,
              parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return false }
        return parts.count == 1 || (Int(parts[1]).map { $0 > 0 } ?? false)
    }

    init(saved: Value) {
        self.init(value: saved["value"] ?? .null, id: saved["id"]?.stringValue ?? "")
    }
}

/// Thrown through a run to stop it at an interrupt. Callers of `invoke` and
/// `stream` never see it: the run ends normally with the interrupts reported.
public struct GraphInterrupt: Error, Sendable {
    public let interrupts: [Interrupt]
}
