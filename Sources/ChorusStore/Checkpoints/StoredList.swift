import ChorusGraph

/// A list-valued channel as the store keeps it: each item saved once, under
/// a sequence number of its own (per thread, namespace and channel), and a
/// checkpoint's list as the ranges of sequence numbers it is made of.
///
/// A chat that grows by two messages per turn stores those two messages per
/// turn, not the whole list again, so a thread's size grows linearly.
struct StoredList: Sendable, Equatable {
    /// The list's items, in order.
    var items: [Value]
    /// The sequence number under which each item is saved.
    var seqs: [Int]

    static let empty = StoredList(items: [], seqs: [])

    /// A list not saved item by item (numbered by position), to compare a
    /// new list against.
    init(unnumbered items: [Value]) {
        self.init(items: items, seqs: Array(items.indices))
    }

    init(items: [Value], seqs: [Int]) {
        self.items = items
        self.seqs = seqs
    }

    /// What changed from one list to the next: the items of `new` that are
    /// not in `old` at the same place (to save and index) and the items of
    /// `old` that `new` no longer holds there (to unindex).
    struct Change {
        var list: StoredList
        var added: [(seq: Int, value: Value)]
        var removed: ArraySlice<Value>
    }

    /// The new list, reusing this list's items where `new` keeps them: the
    /// common prefix and the common suffix are kept, what lies between is
    /// replaced by fresh items numbered from `nextSeq`. Appending, replacing
    /// or removing one message each save only what changed.
    func change(to new: [Value], nextSeq: Int) -> Change {
        let limit = min(items.count, new.count)
        var prefix = 0
        while prefix < limit && items[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < limit - prefix && items[items.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let middle = prefix..<(new.count - suffix)
        var seqs = Array(self.seqs[0..<prefix])
        seqs.reserveCapacity(new.count)
        var added: [(seq: Int, value: Value)] = []
        added.reserveCapacity(middle.count)
        for (offset, i) in middle.enumerated() {
            added.append((nextSeq + offset, new[i]))
            seqs.append(nextSeq + offset)
        }
        seqs.append(contentsOf: self.seqs[(self.seqs.count - suffix)...])
        return Change(list: StoredList(items: new, seqs: seqs), added: added, removed: items[prefix..<(items.count - suffix)])
    }

    /// The sequence numbers as `[[first, last], …]` runs: one run for a list
    /// that only ever grew at its end.
    var ranges: String {
        var runs: [Value] = []
        var i = 0
        while i < seqs.count {
            var j = i
            while j + 1 < seqs.count && seqs[j + 1] == seqs[j] + 1 { j += 1 }
            runs.append([.int(seqs[i]), .int(seqs[j])])
            i = j + 1
        }
        return JSON.serialize(.array(runs), sortKeys: false)
    }

    /// The sequence numbers stored as `ranges`, or nil when the text is not
    /// a list of ascending `[first, last]` pairs.
    static func seqs(fromRanges text: String) -> [Int]? {
        guard let runs = (try? JSON.parse(text))?.arrayValue else { return nil }
        var seqs: [Int] = []
        for run in runs {
            guard let pair = run.arrayValue, pair.count == 2, let first = pair[0].intValue, let last = pair[1].intValue,
                  first <= last, last - first < 100_000_000 else { return nil }
            seqs.append(contentsOf: first...last)
        }
        return seqs
    }

    /// Whether a channel's value is saved item by item: lists of state keys
    /// long enough for reuse to pay. Engine channels (`__…`) are replaced
    /// wholesale each step and stay whole values.
    static func isItemized(channel: String, value: Value) -> Bool {
        guard case .array(let items) = value else { return false }
        return items.count >= minimumCount && !channel.hasPrefix("__")
    }

    static let minimumCount = 8
}
