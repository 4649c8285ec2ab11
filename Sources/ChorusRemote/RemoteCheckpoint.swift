import ChorusGraph
import Foundation

/// One entry of a thread's history on a LangGraph server (`POST /threads/{id}/history`, newest first).
public struct RemoteCheckpoint: Sendable, Equatable {
    public var id: String
    public var parentId: String?
    public var step: Int
    /// `input`, `loop`, `update` or `fork`.
    public var source: String
    /// The nodes due after it.
    public var next: [String]
    public var createdAt: Date?
    public var values: Value

    /// Nil when the entry names no checkpoint.
    init?(wire: Value) {
        guard let id = wire["checkpoint_id"]?.stringValue ?? wire["checkpoint"]?["checkpoint_id"]?.stringValue else { return nil }
        self.id = id
        parentId = wire["parent_checkpoint_id"]?.stringValue ?? wire["parent_checkpoint"]?["checkpoint_id"]?.stringValue
        step = wire["metadata"]?["step"]?.intValue ?? 0
        source = wire["metadata"]?["source"]?.stringValue ?? "loop"
        next = wire["next"]?.arrayValue?.compactMap(\.stringValue) ?? []
        createdAt = RemoteThread.date(wire["created_at"])
        values = wire["values"] ?? .null
    }
}
