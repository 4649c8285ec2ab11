/// The newest checkpoint per thread namespace a store wrote or read, with
/// how the store laid its values out (`Layout`): a put diffs against its
/// parent without reading it back, and a get of a checkpoint nobody changed
/// since is not parsed again.
///
/// Bounded twice: at most `capacity` thread namespaces, and at most
/// `budget` bytes of values (as JSON, the size they are saved at). The least
/// recently used goes first; the one remembered last always stays, however
/// large, so the thread being written to never has to read its parent back.
///
/// Entries are keyed by checkpoint id, and a checkpoint never changes once
/// written, so a stale entry is never wrong, only unused.
package struct RecentCheckpoints<Layout: Sendable>: Sendable {
    package struct Entry: Sendable {
        package var tuple: CheckpointTuple
        package var layout: Layout
        /// The JSON size of each channel's value as saved.
        package var bytes: [String: Int]

        package init(tuple: CheckpointTuple, layout: Layout, bytes: [String: Int]) {
            self.tuple = tuple
            self.layout = layout
            self.bytes = bytes
        }
    }

    package let capacity: Int
    package let budget: Int
    private var entries: [String: (entry: Entry, size: Int, lastUse: Int)] = [:]
    private var clock = 0
    /// The bytes of every entry held.
    package private(set) var size = 0

    package init(capacity: Int, budget: Int) {
        self.capacity = capacity
        self.budget = budget
    }

    /// Thread namespaces held.
    package var count: Int { entries.count }

    /// One key per thread namespace.
    package static func key(_ threadId: String, _ namespace: String) -> String {
        threadId + "\u{1}" + namespace
    }

    /// The entry of a thread namespace if it is checkpoint `id`.
    package mutating func entry(_ threadId: String, _ namespace: String, id: String) -> Entry? {
        let key = Self.key(threadId, namespace)
        guard let found = entries[key], found.entry.tuple.checkpoint.id == id else { return nil }
        clock += 1
        entries[key]?.lastUse = clock
        return found.entry
    }

    /// Remembers a checkpoint (its pending writes left out) as its thread namespace's newest.
    package mutating func remember(_ entry: Entry) {
        var entry = entry
        entry.tuple.pendingWrites = []
        clock += 1
        let key = Self.key(entry.tuple.threadId, entry.tuple.namespace)
        let entrySize = entry.bytes.values.reduce(0, +)
        size += entrySize - (entries[key]?.size ?? 0)
        entries[key] = (entry, entrySize, clock)
        while entries.count > capacity || (size > budget && entries.count > 1),
              let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            size -= oldest.value.size
            entries.removeValue(forKey: oldest.key)
        }
    }

    /// Forgets every namespace of a thread.
    package mutating func forget(threadId: String) {
        for (key, held) in entries where held.entry.tuple.threadId == threadId {
            size -= held.size
            entries.removeValue(forKey: key)
        }
    }
}
