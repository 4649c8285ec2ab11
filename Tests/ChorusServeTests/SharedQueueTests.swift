@testable import ChorusServe
import ChorusGraph
import ChorusModels
import ChorusStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Two instances in one process on one in-memory run queue (and one SQLite
/// store): the cluster's behaviour without PostgreSQL. Each instance has its
/// own `RunManager` and routes; the queue alone decides who runs what.
@Suite(.timeLimit(.minutes(3)))
struct SharedQueueTests {
    @Test func runsSubmittedOnEitherInstanceRunOnceEach() async throws {
        let cluster = try await SharedQueueCluster(tokensPerSecond: 0)
        try await cluster.test { a, b in
            var runs: [String] = []
            for i in 0..<20 {
                let (here, there) = i % 2 == 0 ? (a, b) : (b, a)
                let thread = try await here.newThread()
                let run = try #require(try await here.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("q\(i)")])
                    .json["run_id"]?.stringValue)
                // Joined from the other instance.
                #expect(messageTypes(try await there.call(.get, "/threads/\(thread)/runs/\(run)/join").json) == ["human", "ai"])
                runs.append(run)
            }
            for (i, id) in runs.enumerated() {
                let record = try #require(try await cluster.queues[0].run(id))
                #expect(record.status == .success)
                #expect(record.attempt == 1)
                // The instance that took the request had room and ran it.
                #expect(record.owner == (i % 2 == 0 ? "a" : "b"))
                #expect(try await cluster.queues[0].events(of: id, after: -1).filter { $0.event == "metadata" }.count == 1)
            }
        }
    }

    @Test func aRunOnOneInstanceIsCancelledFromTheOther() async throws {
        let cluster = try await SharedQueueCluster(tokensPerSecond: 20)
        try await cluster.test { a, b in
            let thread = try await a.newThread()
            let run = try #require(try await a.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("long"),
                                                                                       "stream_mode": ["messages"]])
                .json["run_id"]?.stringValue)
            // b sees it running (its tokens reach the queue), then stops it.
            _ = try await SharedQueueCluster.eventually { try await cluster.queues[1].events(of: run, after: -1).count > 3 ? true : nil }
            #expect(try await b.call(.get, "/threads/\(thread)/runs/\(run)").json["status"] == "running")
            #expect(try await b.call(.post, "/threads/\(thread)/runs/\(run)/cancel").status == .accepted)
            let joined = try await b.call(.get, "/threads/\(thread)/runs/\(run)/stream")
            #expect(joined.events.first?.name == "metadata", "the join replays the run from its first event")
            #expect(try await b.call(.get, "/threads/\(thread)/runs/\(run)").json["status"] == "interrupted")
            let record = try #require(try await cluster.queues[1].run(run))
            #expect(record.owner == "a")
            #expect(record.cancel == .interrupt)
            #expect(try await a.call(.get, "/threads/\(thread)").json["status"] == "interrupted")
        }
    }

    @Test func aThreadFollowedOnOneInstanceHearsARunSubmittedOnTheOther() async throws {
        let cluster = try await SharedQueueCluster(tokensPerSecond: 0)
        try await cluster.test { a, _ in
            let thread = try await a.newThread()
            let follower = Task { try await cluster.managers[1].runs(onThread: thread, notIn: [], waitingAtMost: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(200))
            let asked = ContinuousClock.now
            let run = try await a.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("hello")]).json["run_id"]
            let heard = try await follower.value
            #expect(heard.map(\.id) == [run?.stringValue])
            // Woken by the submit, not by the end of its wait.
            #expect(ContinuousClock.now - asked < .seconds(30))
        }
    }

    @Test func anInstanceStoppedWithoutGraceHandsItsRunToTheOther() async throws {
        let cluster = try await SharedQueueCluster(tokensPerSecond: 20)
        try await cluster.test { a, b in
            let thread = try await a.newThread()
            let run = try #require(try await a.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("handed on"),
                                                                                       "durability": "sync", "stream_mode": ["messages"]]).json["run_id"]?.stringValue)
            _ = try await SharedQueueCluster.eventually { try await cluster.queues[0].events(of: run, after: -1).count > 3 ? true : nil }
            await cluster.managers[0].shutdown(grace: .zero)
            // b goes on with it at once (the lease is far longer than this test).
            #expect(messageTypes(try await b.call(.get, "/threads/\(thread)/runs/\(run)/join").json) == ["human", "ai"])
            let record = try #require(try await cluster.queues[1].run(run))
            #expect(record.status == .success)
            #expect(record.owner == "b")
            #expect(record.attempt == 2)
            // The instance that stopped takes no new run.
            #expect(try await a.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("x")]).status == .serviceUnavailable)
        }
    }
}

/// Two instances, `a` and `b`, on one board and one SQLite store in a temporary folder.
final class SharedQueueCluster: Sendable {
    let dir: String
    let states: [ServerState]
    let queues: [InMemoryRunQueue]
    var managers: [RunManager] { states.map(\.runs) }

    init(tokensPerSecond: Double) async throws {
        dir = NSTemporaryDirectory() + "chorus-shared-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let options = ServeOptions(databasePath: dir + "/serve.sqlite", model: OfflineChatModel(tokensPerSecond: tokensPerSecond))
        let database = try ChorusDatabase(path: options.databasePath)
        let store = ThreadStore(database: database)
        let (catalog, executor) = try ChorusServer.engine(options, store: store, checkpoints: SQLiteCheckpointer(database: database))
        let board = InMemoryRunQueue.Board()
        queues = ["a", "b"].map { InMemoryRunQueue(board: board, instance: $0, isShared: true) }
        states = queues.map { queue in
            ServerState(store: store, catalog: catalog, runs: RunManager(queue: queue, executor: executor, catalog: catalog, lease: .seconds(120)),
                        bodyLimit: options.bodyLimit)
        }
        for state in states { try await state.runs.start() }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs `body` with a client of each instance's routes, then stops both.
    func test(_ body: @Sendable @escaping (any TestClientProtocol, any TestClientProtocol) async throws -> Void) async throws {
        let routers = states.map { Application(router: ChorusServer.router(state: $0, apiKey: nil, logger: Logger(label: "chorus.serve.test"))) }
        try await routers[0].test(.router) { a in
            try await routers[1].test(.router) { b in try await body(a, b) }
        }
        for manager in managers { await manager.shutdown(grace: .zero) }
    }

    static func eventually<T>(within limit: Duration = .seconds(30), _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let found = try await probe() { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }
}
