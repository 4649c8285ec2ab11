import ChorusSupport
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
///
/// Bounded twice, since an entry may hold the last reference to a list: at
/// most `capacity` lists and `itemBudget` items in all, the oldest dropped
/// first; the list kept last always stays.
final class IndexedLists: Sendable {
    static let shared = IndexedLists(capacity: 32, itemBudget: 20_000)

    private struct Entry: Sendable {
        let items: [Value]
        let positions: [String: Int]
    }

    private let capacity: Int
    private let itemBudget: Int
    private let entries = Locked<[Entry]>([])

    init(capacity: Int, itemBudget: Int) {
        self.capacity = capacity
        self.itemBudget = itemBudget
    }

    /// Lists remembered, and their items in all.
    var held: (lists: Int, items: Int) {
        entries.withLock { ($0.count, $0.reduce(0) { $0 + $1.items.count }) }
    }

    /// Remembers the index of a list of coerced messages.
    func keep(_ items: [Value], _ positions: [String: Int]) {
        guard items.count >= 64 else { return }
        entries.withLock { entries in
            entries.append(Entry(items: items, positions: positions))
            var total = entries.reduce(0) { $0 + $1.items.count }
            while entries.count > capacity || (total > itemBudget && entries.count > 1) {
                total -= entries.removeFirst().items.count
            }
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
