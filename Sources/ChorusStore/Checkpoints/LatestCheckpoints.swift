import ChorusGraph

/// The newest checkpoint this process wrote or read per thread namespace,
/// with the layout of its itemized lists: a put diffs against its parent
/// without reading it back, and a get of a thread's newest checkpoint that
/// nobody has changed since costs one indexed lookup, not a parse of its
/// whole history. Bounded: the least recently used thread is dropped first.
///
/// Entries are keyed by checkpoint id, and a checkpoint never changes once
/// written, so a stale entry is never wrong, only unused.
struct LatestCheckpoints: Sendable {
    struct Entry: Sendable {
        var tuple: CheckpointTuple
        /// Where each channel's value is saved (the checkpoint that wrote it).
        var locations: [String: String]
        /// Item layout of the channels saved item by item.
        var lists: [String: StoredList]
        var lastUse: Int
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var clock = 0

    init(capacity: Int = 128) {
        self.capacity = capacity
    }

    static func key(_ threadId: String, _ namespace: String) -> String {
        threadId + "\u{1}" + namespace
    }

    /// The entry of a thread namespace if it is checkpoint `id`.
    mutating func entry(_ threadId: String, _ namespace: String, id: String) -> Entry? {
        let key = Self.key(threadId, namespace)
        guard var entry = entries[key], entry.tuple.checkpoint.id == id else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
        return entry
    }

    /// Remembers a checkpoint as its thread namespace's newest.
    mutating func remember(_ tuple: CheckpointTuple, locations: [String: String], lists: [String: StoredList]) {
        clock += 1
        var tuple = tuple
        tuple.pendingWrites = []
        entries[Self.key(tuple.threadId, tuple.namespace)] = Entry(tuple: tuple, locations: locations, lists: lists, lastUse: clock)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
    }

    /// Forgets every namespace of a thread.
    mutating func forget(threadId: String) {
        entries = entries.filter { !$0.key.hasPrefix(threadId + "\u{1}") }
    }
}
