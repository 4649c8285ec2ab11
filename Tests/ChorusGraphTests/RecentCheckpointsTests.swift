import ChorusGraph
import Testing

@Suite struct RecentCheckpointsTests {
    static func entry(_ thread: String, id: String = "c1", namespace: String = "", bytes: Int) -> RecentCheckpoints<Int>.Entry {
        let checkpoint = Checkpoint(id: id, channelValues: [:], channelVersions: [:], versionsSeen: [:])
        let tuple = CheckpointTuple(threadId: thread, namespace: namespace, checkpoint: checkpoint,
                                    metadata: CheckpointMetadata(source: .loop, step: 0), parentId: nil,
                                    pendingWrites: [PendingWrite(taskId: "t", channel: "c", value: 1)])
        return .init(tuple: tuple, layout: 0, bytes: ["messages": bytes])
    }

    @Test func theLeastRecentlyUsedThreadGoesFirst() {
        var cache = RecentCheckpoints<Int>(capacity: 2, budget: .max)
        cache.remember(Self.entry("a", bytes: 1))
        cache.remember(Self.entry("b", bytes: 1))
        #expect(cache.entry("a", "", id: "c1") != nil)
        cache.remember(Self.entry("c", bytes: 1))
        #expect(cache.entry("b", "", id: "c1") == nil)
        #expect(cache.entry("a", "", id: "c1") != nil)
        #expect(cache.entry("c", "", id: "c1")?.tuple.pendingWrites == [])
        // Another checkpoint id of a held thread is not it.
        #expect(cache.entry("a", "", id: "c2") == nil)
    }

    @Test func theBytesHeldStayWithinTheBudgetButTheNewestAlwaysStays() {
        var cache = RecentCheckpoints<Int>(capacity: 100, budget: 1_000)
        cache.remember(Self.entry("a", bytes: 400))
        cache.remember(Self.entry("b", bytes: 400))
        #expect(cache.size == 800)
        cache.remember(Self.entry("c", bytes: 400))
        #expect(cache.count == 2 && cache.size == 800)
        #expect(cache.entry("a", "", id: "c1") == nil)
        // A newer checkpoint of a held thread replaces its size.
        cache.remember(Self.entry("c", id: "c2", bytes: 100))
        #expect(cache.count == 2 && cache.size == 500)
        // One larger than the whole budget is kept alone.
        cache.remember(Self.entry("d", bytes: 5_000))
        #expect(cache.count == 1 && cache.size == 5_000)
        #expect(cache.entry("d", "", id: "c1") != nil)
    }

    @Test func forgettingAThreadDropsEveryNamespaceAndItsBytes() {
        var cache = RecentCheckpoints<Int>(capacity: 10, budget: .max)
        cache.remember(Self.entry("a", bytes: 10))
        cache.remember(Self.entry("a", namespace: "sub:1", bytes: 20))
        cache.remember(Self.entry("b", bytes: 30))
        cache.forget(threadId: "a")
        #expect(cache.count == 1 && cache.size == 30)
        #expect(cache.entry("a", "sub:1", id: "c1") == nil)
    }
}
