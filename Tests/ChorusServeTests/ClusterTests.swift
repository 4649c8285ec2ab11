import ChorusGraph
import ChorusPostgres
import ChorusPostgresTesting
import ChorusProcess
import ChorusRemote
import ChorusSupport
import ChorusTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Several real `chorus serve` processes on one real PostgreSQL database
/// (a schema of its own per test): runs queued once and run once, streams
/// followed and cancelled from another instance, and failover after kill -9.
@Suite("Several chorus serve instances on one PostgreSQL", .enabled(if: TestPostgres.isAvailable), .serialized, .timeLimit(.minutes(5)))
struct ClusterTests {
    /// Instances on a fresh schema, stopped afterwards whatever happens.
    /// The lease is long enough that a loaded machine (ThreadSanitizer) never lets one run out by accident.
    func withInstances<T: Sendable>(_ count: Int, tokensPerSecond: Int, lease: Int = 8, branches: Int = 3,
                                    _ body: (String, [LangGraphTestServer]) async throws -> T) async throws -> T {
        let database = try TestPostgres.freshSchemaURL()
        // The schema and tables exist before the instances race to make them.
        await (try await PostgresDatabase.open(try PostgresURL(database))).close()
        var servers: [LangGraphTestServer] = []
        do {
            for _ in 0..<count {
                servers.append(try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0,
                                                                   fanout: branches, serveArguments: ["--database", database, "--lease", "\(lease)"]))
            }
            let result = try await body(database, servers)
            for server in servers { await server.stop() }
            return result
        } catch {
            for server in servers { await server.stop() }
            throw error
        }
    }

    @Test func twoHundredRunsSubmittedRoundRobinEachRunOnce() async throws {
        try await withInstances(2, tokensPerSecond: 0) { database, servers in
            var runs: [(thread: String, run: String)] = []
            for i in 0..<200 {
                let server = servers[i % 2].url
                let thread = try await HTTP.post(server + "/threads", [:])["thread_id"]!.stringValue!
                let run = try await HTTP.post(server + "/threads/\(thread)/runs", [
                    "assistant_id": "chat", "input": ["messages": [["type": "human", "content": .string("question \(i)")]]],
                ])
                runs.append((thread, run["run_id"]!.stringValue!))
            }
            let db = try await PostgresDatabase.open(try PostgresURL(database))
            defer { Task { await db.close() } }
            let queue = PostgresRunQueue(database: db, instance: "test")
            let rows = try await Self.waitUntilFinal(runs.map(\.run), queue: queue, within: .seconds(120))
            #expect(rows.allSatisfy { $0.status == "success" }, "\(rows.filter { $0.status != "success" }.map(\.status))")
            #expect(rows.allSatisfy { $0.attempt == 1 }, "every run was claimed once")
            for row in rows {
                let starts = try await queue.events(of: row.id, after: -1).filter { $0.event == "metadata" }
                #expect(starts.count == 1, "run \(row.id) started \(starts.count) times")
            }
            let owners = Dictionary(grouping: rows, by: { $0.owner ?? "" }).mapValues(\.count)
            #expect(owners.count == 2, "both instances ran runs: \(owners)")
            // Either instance answers for any thread: the state of a thread whose run the other ran.
            let other = rows.first { $0.owner?.contains("-\(servers[0].pid!)-") == false }!
            let state = try await HTTP.get(servers[0].url + "/threads/\(other.threadId)/state")
            #expect(state["values"]?["messages"]?.arrayValue?.count == 2)
        }
    }

    @Test func aStreamIsJoinedAndCancelledFromTheOtherInstance() async throws {
        try await withInstances(2, tokensPerSecond: 10) { database, servers in
            let (a, b) = (try LangGraphClient(url: servers[0].url, apiKey: nil), try LangGraphClient(url: servers[1].url, apiKey: nil))
            let thread = try await a.createThread(metadata: [:]).id
            let started = Locked<String?>(nil)
            let reader = Task {
                var parts = 0
                for try await part in a.stream(threadId: thread, RunStreamRequest(assistant: "chat", start: .input(["messages": [["type": "human", "content": "long"]]]))) {
                    if part.mode == "metadata", let id = part.data["run_id"]?.stringValue { started.withLock { $0 = id } }
                    parts += 1
                }
                return parts
            }
            let runId = try await Self.eventually { started.withLock { $0 } }
            // Instance b follows the run instance a runs, from its first event, while it streams.
            let joinedTokens = Locked(0)
            let joined = Task {
                var modes: [String] = []
                for try await part in b.join(threadId: thread, runId: runId, lastEventId: "-1") {
                    modes.append(part.mode)
                    if part.mode == "messages" { joinedTokens.withLock { $0 += 1 } }
                }
                return modes
            }
            _ = try await Self.eventually { joinedTokens.withLock { $0 >= 5 } ? true : nil }
            try await b.cancel(threadId: thread, runId: runId)
            let modes = try await joined.value
            _ = try await reader.value
            #expect(modes.first == "metadata", "the join replayed the run from its first event")
            #expect(try await b.runStatus(threadId: thread, runId: runId) == "interrupted")
            let db = try await PostgresDatabase.open(try PostgresURL(database))
            defer { Task { await db.close() } }
            let row = try #require(try await PostgresRunQueue(database: db, instance: "test").run(runId))
            #expect(row.owner?.contains("-\(servers[0].pid!)-") == true, "instance a ran it: \(row.owner ?? "nobody")")
            #expect(row.cancel == "interrupt")
            #expect(row.attempt == 1)
        }
    }

    @Test func killingTheInstanceRunningTenRunsLetsTheOtherFinishThemWithoutRerunningNodes() async throws {
        let database = try TestPostgres.freshSchemaURL()
        await (try await PostgresDatabase.open(try PostgresURL(database))).close()
        let arguments = ["--database", database, "--lease", "3"]
        // About 75 tokens a model call at 16 a second: a research run takes about 14 s, well past b's start.
        let a = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 60, fanout: 3, serveArguments: arguments)
        var b: LangGraphTestServer?
        do {
            var runs: [(thread: String, run: String)] = []
            for i in 0..<10 {
                let thread = try await HTTP.post(a.url + "/threads", [:])["thread_id"]!.stringValue!
                let run = try await HTTP.post(a.url + "/threads/\(thread)/runs", [
                    "assistant_id": "research", "input": ["question": .string("question \(i)")], "stream_mode": ["updates"],
                    "stream_resumable": true, "durability": "sync",
                ])
                runs.append((thread, run["run_id"]!.stringValue!))
            }
            let second = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 60, fanout: 3, serveArguments: arguments)
            b = second
            let client = try LangGraphClient(url: second.url, apiKey: nil, streamIdleLimit: 60)
            // Instance b follows every run; instance a runs them all (it took each as it was submitted).
            let planned = Locked(Set<String>())
            let followers = runs.map { run in
                Task { () -> [String: Int] in
                    var nodes: [String: Int] = [:]
                    for try await part in client.join(threadId: run.thread, runId: run.run, lastEventId: "-1") where part.mode == "updates" {
                        for node in part.data.objectValue?.keys ?? [:].keys { nodes[node, default: 0] += 1 }
                        if nodes["planner"] != nil { _ = planned.withLock { $0.insert(run.run) } }
                    }
                    return nodes
                }
            }
            _ = try await Self.eventually(within: .seconds(60)) { planned.withLock { $0.count == runs.count } ? true : nil }
            a.kill()
            var counts: [[String: Int]] = []
            for follower in followers { counts.append(try await follower.value) }
            let db = try await PostgresDatabase.open(try PostgresURL(database))
            defer { Task { await db.close() } }
            let rows = try await Self.waitUntilFinal(runs.map(\.run), queue: PostgresRunQueue(database: db, instance: "test"), within: .seconds(60))
            #expect(rows.allSatisfy { $0.status == "success" }, "\(rows.map(\.status))")
            #expect(rows.allSatisfy { $0.owner?.contains("-\(second.pid!)-") == true && $0.attempt == 2 }, "instance b took every run over")
            // No node ran twice: each shows at most as often as it runs (a researcher that finished
            // just before the kill may have its update kept but not yet streamed), and each
            // thread's findings (an appending reducer) hold one per researcher, not more.
            for nodes in counts {
                #expect(nodes["planner"] == 1 && nodes["synthesizer"] == 1 && (1...3).contains(nodes["researcher"] ?? 0), "\(nodes)")
            }
            for run in runs {
                let state = try await HTTP.get(second.url + "/threads/\(run.thread)/state")
                #expect(state["values"]?["findings"]?.arrayValue?.count == 3, "\(state["values"]?["findings"] ?? .null)")
                #expect(state["values"]?["answer"]?.stringValue?.isEmpty == false)
            }
        } catch {
            await a.stop()
            await b?.stop()
            throw error
        }
        await a.stop()
        await b?.stop()
    }

    /// A client follows a thread's runs on one instance; a run submitted on the
    /// other instance reaches it (a notice, not a poll), events and then run_done.
    @Test func aThreadFollowedOnOneInstanceSeesARunSubmittedOnTheOther() async throws {
        try await withInstances(2, tokensPerSecond: 200) { _, servers in
            let (a, b) = (servers[0], servers[1])
            let thread = try await HTTP.post(a.url + "/threads", [:])["thread_id"]!.stringValue!
            let client = try LangGraphClient(url: b.url, apiKey: nil, streamIdleLimit: 60)
            let follower = Task { () -> [RunStreamPart] in
                var parts: [RunStreamPart] = []
                for try await part in client.followThread(thread) {
                    parts.append(part)
                    if part.mode == "metadata", part.data["status"] == "run_done" { break }
                }
                return parts
            }
            try await Task.sleep(for: .milliseconds(500))
            let run = try await HTTP.post(a.url + "/threads/\(thread)/runs", [
                "assistant_id": "chat", "input": ["messages": [["role": "user", "content": "followed from b"]]], "stream_mode": ["values"],
            ])["run_id"]!.stringValue!
            // A follower that hears nothing in 60 s is stopped: its parts then show what was missing.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(60))
                follower.cancel()
            }
            let parts = (try? await follower.value) ?? []
            watchdog.cancel()
            #expect(parts.contains { $0.mode == "values" }, "\(parts.map(\.mode))")
            #expect(parts.last?.data["run_id"]?.stringValue == run)
        }
    }

    /// SIGTERM with no grace: the instance stops its runs and hands them back
    /// to the queue at once, so the other instance goes on with them without
    /// waiting for their leases to run out.
    @Test func anInstanceStoppedWithoutGraceHandsItsRunsBackToTheQueue() async throws {
        let database = try TestPostgres.freshSchemaURL()
        await (try await PostgresDatabase.open(try PostgresURL(database))).close()
        // A lease far longer than the test's wait: only a release can let b take the run in time.
        let a = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 60, fanout: 3,
                                                    serveArguments: ["--database", database, "--lease", "120", "--shutdown-grace", "0"])
        var b: LangGraphTestServer?
        do {
            let thread = try await HTTP.post(a.url + "/threads", [:])["thread_id"]!.stringValue!
            let run = try await HTTP.post(a.url + "/threads/\(thread)/runs", [
                "assistant_id": "research", "input": ["question": "handed back?"], "durability": "sync",
            ])["run_id"]!.stringValue!
            _ = try await Self.eventually(within: .seconds(60)) {
                try await HTTP.get(a.url + "/threads/\(thread)/runs/\(run)")["status"] == "running" ? true : nil
            }
            b = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 60, fanout: 3,
                                                    serveArguments: ["--database", database, "--lease", "120"])
            #expect(await a.terminate() == .exited(0))
            let db = try await PostgresDatabase.open(try PostgresURL(database))
            defer { Task { await db.close() } }
            let rows = try await Self.waitUntilFinal([run], queue: PostgresRunQueue(database: db, instance: "test"), within: .seconds(60))
            #expect(rows.first?.status == "success", "\(rows.map(\.status))")
            #expect(rows.first?.owner?.contains("-\(b!.pid!)-") == true && rows.first?.attempt == 2, "instance b took the run")
        } catch {
            await a.stop()
            await b?.stop()
            throw error
        }
        await a.stop()
        await b?.stop()
    }

    /// The database goes away for a moment mid-run (a restart): statements
    /// whose connection broke are tried again, and the run ends as it would have.
    @Test func aDatabaseRestartMidRunIsRiddenOut() async throws {
        let cluster = try await OwnPostgres.start()
        var server: LangGraphTestServer?
        do {
            let served = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 30, fanout: 3,
                                                             serveArguments: ["--database", cluster.url, "--lease", "5"])
            server = served
            let client = try LangGraphClient(url: served.url, apiKey: nil, streamIdleLimit: 60)
            let thread = try await client.createThread(metadata: [:]).id
            let tokens = Locked(0)
            let reader = Task {
                var modes: [String] = []
                for try await part in client.stream(threadId: thread, RunStreamRequest(assistant: "research", start: .input(["question": "why"]))) {
                    modes.append(part.mode)
                    if part.mode == "messages" { tokens.withLock { $0 += 1 } }
                }
                return modes
            }
            _ = try await Self.eventually { tokens.withLock { $0 >= 10 } ? true : nil }
            try await cluster.restart()
            let modes = try await reader.value
            #expect(!modes.contains("error"), "the run did not fail")
            let state = try await client.state(thread)
            #expect(state.values["answer"]?.stringValue?.isEmpty == false, "the run reached its answer: \(state.values)")
            #expect(try await HTTP.get(served.url + "/threads/\(thread)")["status"] == "idle")
        } catch {
            await server?.stop()
            await cluster.stop()
            throw error
        }
        await server?.stop()
        await cluster.stop()
    }

    // MARK: support

    static func waitUntilFinal(_ ids: [String], queue: PostgresRunQueue, within limit: Duration) async throws -> [QueuedRun] {
        let deadline = ContinuousClock.now + limit
        while true {
            var rows: [QueuedRun] = []
            for id in ids { if let row = try await queue.run(id) { rows.append(row) } }
            if rows.count == ids.count, rows.allSatisfy(\.isFinal) { return rows }
            guard ContinuousClock.now < deadline else {
                Issue.record("runs not finished in time: \(Dictionary(grouping: rows, by: \.status).mapValues(\.count))")
                return rows
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func eventually<T>(within limit: Duration = .seconds(30), _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TimedOut()
    }

    struct TimedOut: Error {}
}

/// A PostgreSQL cluster of the test's own (scripts/pg/pg.sh), which it may restart.
struct OwnPostgres {
    static let script = #filePath.components(separatedBy: "/Tests/").first! + "/scripts/pg/pg.sh"
    let directory: String
    let url: String

    static func start() async throws -> OwnPostgres {
        let directory = NSTemporaryDirectory() + "chorus-pg-" + UUID().uuidString.prefix(8)
        let url = try await pg(["start", directory])
        return OwnPostgres(directory: directory, url: url)
    }

    /// Stops the server and starts it again on the same port.
    func restart() async throws {
        _ = try await Self.pg(["stop", directory])
        _ = try await Self.pg(["start", directory, String(url.split(separator: ":").last!.split(separator: "/").first!)])
    }

    func stop() async {
        _ = try? await Self.pg(["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func pg(_ arguments: [String]) async throws -> String {
        let (status, out, err) = try await BuiltExecutable.offPool {
            let result = try ChildProcess.run("/bin/bash", [script] + arguments)
            return (result.termination.shellStatus, result.stdout, result.stderr)
        }
        guard status == 0 else { throw HTTP.Failed(status: Int(status), body: "pg.sh \(arguments.joined(separator: " ")): \(err)") }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// JSON over HTTP for the few calls the typed client does not make.
enum HTTP {
    static func post(_ url: String, _ body: Value) async throws -> Value {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(JSON.serialize(body).utf8)
        return try await send(request)
    }

    static func get(_ url: String) async throws -> Value {
        try await send(URLRequest(url: URL(string: url)!))
    }

    private static func send(_ request: URLRequest) async throws -> Value {
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw Failed(status: status, body: String(decoding: data, as: UTF8.self)) }
        return try JSON.parse(String(decoding: data, as: UTF8.self))
    }

    struct Failed: Error, CustomStringConvertible {
        let status: Int
        let body: String
        var description: String { "HTTP \(status): \(body)" }
    }
}
