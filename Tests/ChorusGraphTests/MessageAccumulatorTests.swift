@testable import ChorusGraph
import Testing

/// The in-place `add_messages` (with its id index kept across writes and
/// runs) against a plain re-statement of LangGraph's rule.
@Suite struct MessageAccumulatorTests {
    /// `add_messages` as LangGraph writes it: rebuild the index per call.
    static func reference(_ left: [Value], _ right: [Value]) throws -> [Value] {
        if let clearAt = right.lastIndex(where: { $0["type"] == "remove" && $0["id"] == .string(MessageList.removeAll) }) {
            return Array(right[(clearAt + 1)...])
        }
        var merged = left
        var index: [String: Int] = [:]
        for (i, m) in merged.enumerated() { index[m["id"]!.stringValue!] = i }
        var toRemove: Set<String> = []
        for m in right {
            let id = m["id"]!.stringValue!
            if let at = index[id] {
                if m["type"] == "remove" { toRemove.insert(id) } else { toRemove.remove(id); merged[at] = m }
            } else {
                if m["type"] == "remove" { throw GraphError(.valueError, "missing \(id)") }
                index[id] = merged.count
                merged.append(m)
            }
        }
        return merged.filter { !toRemove.contains($0["id"]!.stringValue!) }
    }

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomWritesAndRestoresMatchTheReference(seed: UInt64) throws {
        var rng = Generator(state: seed)
        var expected: [Value] = []
        var channel = MessagesChannel()
        var fresh = 0
        for step in 0..<600 {
            var write: [Value] = []
            for _ in 0...rng.next(3) {
                let roll = rng.next(100)
                if roll < 70 || expected.isEmpty {
                    fresh += 1
                    write.append(["type": rng.next(2) == 0 ? "human" : "ai", "content": .string("m\(fresh)"), "id": .string("id-\(fresh)")])
                } else if roll < 88 {
                    let id = expected[rng.next(expected.count)]["id"]!
                    write.append(["type": "ai", "content": .string("edit \(step)"), "id": id])
                } else if roll < 99 {
                    write.append(["type": "remove", "content": "", "id": expected[rng.next(expected.count)]["id"]!])
                } else {
                    write.append(["type": "remove", "content": "", "id": .string(MessageList.removeAll)])
                }
            }
            expected = try Self.reference(expected, write)
            _ = try channel.update([.array(write)])
            #expect(channel.value == .array(expected), "step \(step)")
            if rng.next(5) == 0 {
                // A new run restores the saved list: the very array (index reused) or an equal copy.
                var restored = MessagesChannel()
                let saved = channel.value!
                try restored.restore(rng.next(2) == 0 ? saved : .array(saved.arrayValue!.map { $0 }))
                channel = restored
            }
        }
    }

    @Test func aRemovalOfAnUnknownIdChangesNothing() throws {
        var channel = MessagesChannel()
        let start: [Value] = (0..<100).map { ["type": "human", "content": "x", "id": .string("m\($0)")] }
        _ = try channel.update([.array(start)])
        #expect(throws: GraphError.self) {
            _ = try channel.update([.array([["type": "ai", "content": "new", "id": "n"], ["type": "remove", "content": "", "id": "ghost"]])])
        }
        #expect(channel.value == .array(start))
        _ = try channel.update([["type": "ai", "content": "new", "id": "n"]])
        #expect(channel.value?.arrayValue?.count == 101)
    }

    @Test func anIndexServesOnlyTheArrayItWasBuiltFor() {
        let lists = IndexedLists(capacity: 2, itemBudget: .max)
        let a: [Value] = (0..<100).map { ["id": .string("a\($0)")] }
        let b: [Value] = (0..<100).map { ["id": .string("b\($0)")] }
        lists.keep(a, ["a0": 0])
        #expect(lists.take(b) == nil)
        #expect(lists.take(a) == ["a0": 0])
        #expect(lists.take(a) == nil)
        lists.keep(a, ["a0": 0])
        lists.keep(b, ["b0": 0])
        lists.keep(Array(b), ["b1": 1])
        #expect(lists.take(a) == nil)
    }

    @Test func theIndexesKeptHoldAtMostTheirBudgetOfItems() {
        let lists = IndexedLists(capacity: 8, itemBudget: 250)
        let a: [Value] = (0..<100).map { ["id": .string("a\($0)")] }
        let b: [Value] = (0..<100).map { ["id": .string("b\($0)")] }
        let c: [Value] = (0..<100).map { ["id": .string("c\($0)")] }
        lists.keep(a, ["a0": 0])
        lists.keep(b, ["b0": 0])
        lists.keep(c, ["c0": 0])
        #expect(lists.held == (2, 200))
        #expect(lists.take(a) == nil)
        // A list larger than the budget is still kept, alone.
        let long: [Value] = (0..<1_000).map { ["id": .string("l\($0)")] }
        lists.keep(long, ["l0": 0])
        #expect(lists.held == (1, 1_000))
        #expect(lists.take(long) == ["l0": 0])
    }
}
