import ChorusGraph
import Foundation

/// One checkpoint of a thread's history, as `threads history` lists it:
/// newest first, as LangGraph's `get_state_history` gives them, on either
/// backend.
public struct ThreadCheckpoint: Sendable, Equatable {
    public var id: String
    public var parentId: String?
    /// The superstep (-1 for the run's input).
    public var step: Int
    /// `input`, `loop`, `update` or `fork`.
    public var source: String
    /// The nodes whose tasks wrote it (its parent's `next`), once each in order; empty for an input.
    public var nodes: [String]
    public var createdAt: Date?
    /// Messages in the state at this checkpoint.
    public var messageCount: Int

    /// A checkpoint as a backend reads it: with the nodes due after it (its `next`), not those that wrote it.
    struct Read {
        var id: String
        var parentId: String?
        var step: Int
        var source: String
        var next: [String]
        var createdAt: Date?
        var messageCount: Int
    }

    /// At most `limit` checkpoints from `read` (newest first, one more than `limit` asked for when there are
    /// more): each one's nodes are the `next` of the checkpoint before it.
    static func history(_ read: [Read], limit: Int) -> [ThreadCheckpoint] {
        read.prefix(limit).enumerated().map { index, checkpoint in
            let before = index + 1 < read.count && read[index + 1].id == checkpoint.parentId ? read[index + 1].next : []
            var seen = Set<String>()
            return ThreadCheckpoint(id: checkpoint.id, parentId: checkpoint.parentId, step: checkpoint.step, source: checkpoint.source,
                                    nodes: before.filter { seen.insert($0).inserted }, createdAt: checkpoint.createdAt,
                                    messageCount: checkpoint.messageCount)
        }
    }

    /// `{checkpoint_id, parent_checkpoint_id, step, source, nodes, created_at, messages}`; `created_at` in ISO 8601.
    public var json: Value {
        ["checkpoint_id": .string(id), "parent_checkpoint_id": parentId.map(Value.string) ?? .null, "step": .int(step),
         "source": .string(source), "nodes": .array(nodes.map(Value.string)),
         "created_at": createdAt.map { .string($0.formatted(.iso8601)) } ?? .null, "messages": .int(messageCount)]
    }
}
