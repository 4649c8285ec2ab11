/// The id index of the message lists written last, so the next run on a
/// thread, restored from its checkpoint, need not check and index every
/// message again.
///
/// A list is recognised by its storage: a checkpointer that hands back the
/// very array a run saved (the in-memory one always, the SQLite one for a
/// thread's newest checkpoint) hands back that array's storage. An entry
/// holds its array, so that storage cannot be freed and reused while the
/// entry lives; equal storage and count therefore mean the same items. An
/// entry is taken out on use, so its index is mutated in place, never shared.
final class IndexedLists: Sendable {
    static let shared = IndexedLists(capacity: 32)

    private struct Entry: Sendable {
        let items: [Value]
        let positions: [String: Int]
    }

    private let capacity: Int
    private let entries = Locked<[Entry]>([])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Remembers the index of a list of coerced messages.
    func keep(_ items: [Value], _ positions: [String: Int]) {
        guard items.count >= 64 else { return }
        entries.withLock { entries in
            entries.append(Entry(items: items, positions: positions))
            if entries.count > capacity { entries.removeFirst() }
        }
    }

    /// The index of `items` if they are a remembered list, no longer remembered.
    func take(_ items: [Value]) -> [String: Int]? {
        guard items.count >= 64 else { return nil }
        let address = items.withUnsafeBufferPointer { $0.baseAddress }
        return entries.withLock { entries in
            guard let i = entries.lastIndex(where: { entry in
                entry.items.count == items.count && entry.items.withUnsafeBufferPointer { $0.baseAddress } == address
            }) else { return nil }
            return entries.remove(at: i).positions
        }
    }
}
