import ChorusGraph
import ChorusStore
import ChorusSupport
import Testing

/// One body, every checkpointer: what the engine relies on.
@Suite struct CheckpointerSpecTests {
    /// A checkpoint whose `n` changes with the step; `log` keeps version 1, so its value never changes (the engine's contract).
    func checkpoint(_ id: String, _ n: Int) -> Checkpoint {
        Checkpoint(id: id, channelValues: ["n": .int(n), "log": .array([.string("same")])],
                   channelVersions: ["n": n, "log": 1], versionsSeen: ["a": ["branch:to:a": n]])
    }

    @Test(arguments: CheckpointerKind.available)
    func putGetAndListNewestFirst(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let saver = try await kind.make(in: dir)
        #expect(try await saver.get(threadId: "t", namespace: "", id: nil) == nil)
        let ids = (1...5).map { CheckpointID.next() + "-\($0)" }
        for (i, id) in ids.enumerated() {
            try await saver.put(threadId: "t", namespace: "", checkpoint: checkpoint(id, i), metadata: CheckpointMetadata(source: i == 0 ? .input : .loop, step: i - 1),
                                parentId: i == 0 ? nil : ids[i - 1])
        }
        let latest = try #require(try await saver.get(threadId: "t", namespace: "", id: nil))
        #expect(latest.checkpoint == checkpoint(ids[4], 4))
        #expect(latest.metadata == CheckpointMetadata(source: .loop, step: 3))
        #expect(latest.parentId == ids[3])
        #expect(try await saver.get(threadId: "t", namespace: "", id: ids[1])?.checkpoint == checkpoint(ids[1], 1))
        let all = try await saver.list(threadId: "t", namespace: "", before: nil, limit: nil)
        #expect(all.map(\.checkpoint.id) == ids.reversed())
        let page = try await saver.list(threadId: "t", namespace: "", before: ids[3], limit: 2)
        #expect(page.map(\.checkpoint.id) == [ids[2], ids[1]])
        #expect(try await saver.list(threadId: "other", namespace: "", before: nil, limit: nil).isEmpty)
        #expect(try await saver.get(threadId: "t", namespace: "sub:1", id: nil) == nil)
    }

    @Test(arguments: CheckpointerKind.available)
    func pendingWritesReplacePerTaskAndStayWithTheirCheckpoint(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let saver = try await kind.make(in: dir)
        let id = CheckpointID.next()
        try await saver.put(threadId: "t", namespace: "", checkpoint: checkpoint(id, 1), metadata: CheckpointMetadata(source: .loop, step: 1), parentId: nil)
        try await saver.putWrites(threadId: "t", namespace: "", checkpointId: id, taskId: "a", writes: [PendingWrite(taskId: "a", channel: "n", value: 1)])
        try await saver.putWrites(threadId: "t", namespace: "", checkpointId: id, taskId: "b", writes: [PendingWrite(taskId: "b", channel: "log", value: ["b"])])
        try await saver.putWrites(threadId: "t", namespace: "", checkpointId: id, taskId: "a",
                                  writes: [PendingWrite(taskId: "a", channel: "n", value: 2), PendingWrite(taskId: "a", channel: "__resume__", value: ["y"])])
        let saved = try #require(try await saver.get(threadId: "t", namespace: "", id: nil))
        #expect(saved.pendingWrites == [
            PendingWrite(taskId: "b", channel: "log", value: ["b"]),
            PendingWrite(taskId: "a", channel: "n", value: 2), PendingWrite(taskId: "a", channel: "__resume__", value: ["y"]),
        ])
        let next = CheckpointID.next()
        try await saver.put(threadId: "t", namespace: "", checkpoint: checkpoint(next, 2), metadata: CheckpointMetadata(source: .loop, step: 2), parentId: id)
        #expect(try await saver.get(threadId: "t", namespace: "", id: nil)?.pendingWrites == [])
    }

    @Test(arguments: CheckpointerKind.available)
    func valuesThatDidNotChangeAreReadBackFromTheirWriter(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let saver = try await kind.make(in: dir)
        let a = CheckpointID.next(), b = CheckpointID.next()
        let first = Checkpoint(id: a, channelValues: ["big": .array((0..<100).map { .int($0) }), "n": 1], channelVersions: ["big": 1, "n": 1], versionsSeen: [:])
        let second = Checkpoint(id: b, channelValues: ["big": .array((0..<100).map { .int($0) }), "n": 2], channelVersions: ["big": 1, "n": 2], versionsSeen: [:])
        try await saver.put(threadId: "t", namespace: "", checkpoint: first, metadata: CheckpointMetadata(source: .loop, step: 0), parentId: nil)
        try await saver.put(threadId: "t", namespace: "", checkpoint: second, metadata: CheckpointMetadata(source: .loop, step: 1), parentId: a)
        #expect(try await saver.get(threadId: "t", namespace: "", id: b)?.checkpoint == second)
        #expect(try await saver.get(threadId: "t", namespace: "", id: a)?.checkpoint == first)
    }

    /// One batch (what asynchronous durability saves): checkpoints on top of
    /// each other, and a task written twice, of which only the last counts.
    @Test(arguments: CheckpointerKind.available)
    func aBatchIsSavedAsItsWritesOneByOne(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let saver = try await kind.make(in: dir)
        let a = CheckpointID.next(), b = CheckpointID.next()
        try await saver.save([
            .checkpoint(threadId: "t", namespace: "", checkpoint: checkpoint(a, 1), metadata: CheckpointMetadata(source: .input, step: -1), parentId: nil),
            .writes(threadId: "t", namespace: "", checkpointId: a, taskId: "x", writes: [PendingWrite(taskId: "x", channel: "n", value: 1), PendingWrite(taskId: "x", channel: "n", value: 2)]),
            .writes(threadId: "t", namespace: "", checkpointId: a, taskId: "y", writes: [PendingWrite(taskId: "y", channel: "log", value: ["y"])]),
            .writes(threadId: "t", namespace: "", checkpointId: a, taskId: "x", writes: [PendingWrite(taskId: "x", channel: "n", value: 3)]),
            .checkpoint(threadId: "t", namespace: "", checkpoint: checkpoint(b, 2), metadata: CheckpointMetadata(source: .loop, step: 0), parentId: a),
        ])
        #expect(try await saver.get(threadId: "t", namespace: "", id: a)?.pendingWrites == [
            PendingWrite(taskId: "y", channel: "log", value: ["y"]), PendingWrite(taskId: "x", channel: "n", value: 3),
        ])
        let latest = try #require(try await saver.get(threadId: "t", namespace: "", id: nil))
        #expect(latest.checkpoint == checkpoint(b, 2))
        #expect(latest.parentId == a)
        #expect(try await saver.list(threadId: "t", namespace: "", before: nil, limit: nil).map(\.checkpoint.id) == [b, a])
    }

    @Test(arguments: CheckpointerKind.available)
    func deletingAThreadRemovesAllItsNamespaces(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let saver = try await kind.make(in: dir)
        for ns in ["", "sub:1"] {
            try await saver.put(threadId: "t", namespace: ns, checkpoint: checkpoint(CheckpointID.next(), 1), metadata: CheckpointMetadata(source: .loop, step: 0), parentId: nil)
        }
        try await saver.put(threadId: "keep", namespace: "", checkpoint: checkpoint(CheckpointID.next(), 1), metadata: CheckpointMetadata(source: .loop, step: 0), parentId: nil)
        try await saver.deleteThread("t")
        #expect(try await saver.get(threadId: "t", namespace: "", id: nil) == nil)
        #expect(try await saver.get(threadId: "t", namespace: "sub:1", id: nil) == nil)
        #expect(try await saver.get(threadId: "keep", namespace: "", id: nil) != nil)
    }

    @Test(arguments: CheckpointerKind.available)
    func interruptResumeAndForkThroughTheEngine(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        var g = StateGraph(StateSchema([("log", .reducer(.append)), ("answer", .lastValue)]))
        g.addNode("ask") { _, context in .update(["answer": try context.interrupt("name?")]) }
        g.addNode("greet") { state, _ in .update(["log": .array([.string("hi \(state["answer"]!.stringValue!)")])]) }
        g.addEdge(START, "ask")
        g.addEdge("ask", "greet")
        let graph = try g.compile(checkpointer: try await kind.make(in: dir))
        let paused = try await graph.invoke(["log": ["start"]])
        #expect(paused.interrupts.map(\.value) == ["name?"])
        let done = try await graph.invoke(.resume("ada"))
        #expect(done.values["log"] == ["start", "hi ada"])
        let history = try await graph.getStateHistory()
        let beforeGreet = try #require(history.first { $0.next == ["greet"] })
        try await graph.updateState(config: RunConfig(checkpointId: beforeGreet.checkpointId), values: ["answer": "bob"], asNode: "ask")
        let forked = try await graph.invoke(.continue)
        #expect(forked.values["log"] == ["start", "hi bob"])
    }
}

@Suite struct DurabilityTests {
    func chain(_ checkpointer: any Checkpointer) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("n", .reducer(.add))]))
        for i in 0..<10 {
            g.addNode("n\(i)") { _, _ in .update(["n": 1]) }
            g.addEdge(i == 0 ? START : "n\(i - 1)", "n\(i)")
        }
        return try g.compile(checkpointer: checkpointer)
    }

    @Test(arguments: CheckpointerKind.available)
    func asyncDurabilitySavesTheSameHistoryBeforeReturning(_ kind: CheckpointerKind) async throws {
        let dir = TemporaryDirectory()
        let graph = try chain(try await kind.make(in: dir))
        _ = try await graph.invoke(["n": 0], config: RunConfig(threadId: "sync"))
        _ = try await graph.invoke(["n": 0], config: RunConfig(threadId: "async", durability: .async))
        let sync = try await graph.getStateHistory(config: RunConfig(threadId: "sync"))
        let async = try await graph.getStateHistory(config: RunConfig(threadId: "async"))
        #expect(async.count == 12)
        #expect(async.map(\.values) == sync.map(\.values))
        #expect(async.map(\.next) == sync.map(\.next))
        #expect(async.map { $0.metadata?.step } == sync.map { $0.metadata?.step })
    }

    /// A store that fails after a number of saves.
    final class FailingCheckpointer: Checkpointer {
        let inner = InMemoryCheckpointer()
        let remaining = Locked(3)
        struct DiskFull: Error {}

        func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
            try await inner.get(threadId: threadId, namespace: namespace, id: id)
        }
        func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
            try await inner.list(threadId: threadId, namespace: namespace, before: before, limit: limit)
        }
        func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
            let left = remaining.withLock { n in defer { n -= 1 }; return n }
            if left <= 0 { throw DiskFull() }
            try await inner.put(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)
        }
        func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
            try await inner.putWrites(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)
        }
        func deleteThread(_ threadId: String) async throws { try await inner.deleteThread(threadId) }
        func save(_ batch: [CheckpointWrite]) async throws {
            for write in batch {
                if case .checkpoint(let t, let ns, let cp, let md, let parent) = write {
                    try await put(threadId: t, namespace: ns, checkpoint: cp, metadata: md, parentId: parent)
                }
            }
        }
    }

    @Test(arguments: [RunConfig.Durability.sync, .async])
    func aFailedSaveFailsTheRun(_ durability: RunConfig.Durability) async throws {
        let graph = try chain(FailingCheckpointer())
        await #expect(throws: FailingCheckpointer.DiskFull.self) {
            try await graph.invoke(["n": 0], config: RunConfig(durability: durability))
        }
    }
}
