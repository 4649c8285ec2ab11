import ChorusGraph
@testable import ChorusStore
import Testing

@Suite struct StoredListTests {
    let base = StoredList(items: ["a", "b", "c", "d"], seqs: [1, 2, 3, 4])

    @Test func appendingSavesOnlyTheNewItems() {
        let change = base.change(to: ["a", "b", "c", "d", "e", "f"], nextSeq: 5)
        #expect(change.added.map(\.seq) == [5, 6])
        #expect(change.added.map(\.value) == ["e", "f"])
        #expect(change.removed.isEmpty)
        #expect(change.list.seqs == [1, 2, 3, 4, 5, 6])
        #expect(change.list.ranges == "[[1,6]]")
    }

    @Test func replacingOneItemKeepsBothEnds() {
        let change = base.change(to: ["a", "B", "c", "d"], nextSeq: 9)
        #expect(change.added.map(\.value) == ["B"])
        #expect(Array(change.removed) == ["b"])
        #expect(change.list.seqs == [1, 9, 3, 4])
        #expect(change.list.ranges == "[[1,1],[9,9],[3,4]]")
    }

    @Test func removingSavesNothing() {
        let change = base.change(to: ["a", "d"], nextSeq: 9)
        #expect(change.added.isEmpty)
        #expect(Array(change.removed) == ["b", "c"])
        #expect(change.list.seqs == [1, 4])
    }

    @Test func repeatedItemsNeverMatchTwice() {
        let list = StoredList(items: ["x", "x", "x"], seqs: [1, 2, 3])
        let change = list.change(to: ["x", "x", "x", "x"], nextSeq: 4)
        #expect(change.list.seqs == [1, 2, 3, 4])
        #expect(change.list.items.count == 4)
        let shorter = list.change(to: ["x"], nextSeq: 4)
        #expect(shorter.list.seqs == [1])
        #expect(shorter.removed.count == 2)
    }

    @Test func rangesRoundTripAndRejectGarbage() {
        let list = StoredList(items: Array(repeating: "v", count: 6), seqs: [1, 2, 3, 7, 8, 5])
        #expect(StoredList.seqs(fromRanges: list.ranges) == list.seqs)
        for bad in ["", "{}", "[[3,1]]", "[[1]]", "[[\"a\",2]]", "[[0,999999999999]]"] {
            #expect(StoredList.seqs(fromRanges: bad) == nil, "\(bad)")
        }
    }

    @Test func onlyLongListsOfStateKeysAreItemized() {
        let long = Value.array(Array(repeating: "m", count: StoredList.minimumCount))
        #expect(StoredList.isItemized(channel: "messages", value: long))
        #expect(!StoredList.isItemized(channel: "__pregel_tasks", value: long))
        #expect(!StoredList.isItemized(channel: "messages", value: .array(["m"])))
        #expect(!StoredList.isItemized(channel: "n", value: 3))
    }
}
