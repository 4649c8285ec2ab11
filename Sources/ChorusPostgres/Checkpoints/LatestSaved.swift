import ChorusGraph

/// The newest checkpoint per thread namespace one instance wrote or read, with
/// where its values live: a put diffs against its parent without reading it
/// back. Bounded: the least recently used thread namespace goes first.
struct LatestSaved: Sendable {
    struct Entry: Sendable {
        var tuple: CheckpointTuple
        /// Where each channel's value is saved (the checkpoint that wrote it).
        var locations: [String: String]
    }

    let capacity: Int
    private var entries: [String: (entry: Entry, lastUse: Int)] = [:]
    private var clock = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    private static func key(_ threadId: String, _ namespace: String) -> String {
        threadId + "\u{1}" + namespace
    }

    /// The entry of a thread namespace if it is checkpoint `id`.
    mutating func entry(_ threadId: String, _ namespace: String, id: String) -> Entry? {
        let key = Self.key(threadId, namespace)
        guard let found = entries[key], found.entry.tuple.checkpoint.id == id else { return nil }
        clock += 1
        entries[key]?.lastUse = clock
        return found.entry
    }

    mutating func remember(_ entry: Entry) {
        clock += 1
        entries[Self.key(entry.tuple.threadId, entry.tuple.namespace)] = (entry, clock)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries.removeValue(forKey: oldest.key)
        }
    }

    mutating func forget(threadId: String) {
        entries = entries.filter { $0.value.entry.tuple.threadId != threadId }
    }
}
