import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// `chorus serve` on SQLite killed with -9 mid-run and started again on the
/// same file: the run is still listed and found by id, and goes on from the
/// thread's last checkpoint to its end, never forgotten, never left `running`.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RestartTests {
    @Test func aRunCutByKillNineIsListedAfterTheRestartAndFinishes() async throws {
        let directory = NSTemporaryDirectory() + "chorus-restart-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/serve.sqlite"
        // About 75 tokens per model call at 33 a second: a 3-branch research run takes about 7 s.
        let first = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 30, fanout: 3, sqlitePath: database)
        let started: (thread: String, run: String, queued: String)
        do {
            started = try await Self.startTwoRunsAndWaitForThePlan(on: first.url)
            #expect(try await HTTP.get(first.url + "/threads/\(started.thread)/runs/\(started.run)")["status"] == "running")
        } catch {
            await first.stop()
            throw error
        }
        first.kill()
        await first.stop()
        let (thread, run, queuedRun) = started
        let second = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 30, fanout: 3, sqlitePath: database)
        do {
            let listed = try await HTTP.get(second.url + "/threads/\(thread)/runs").arrayValue ?? []
            #expect(Set(listed.compactMap { $0["run_id"]?.stringValue }) == [run, queuedRun], "\(listed)")
            // Within 30 s the cut run has gone on to its end; then the queued one runs.
            let cut = try await ClusterTests.eventually(within: .seconds(30)) { () -> Value? in
                let found = try await HTTP.get(second.url + "/threads/\(thread)/runs/\(run)")
                if found["status"] == "running" || found["status"] == "pending" { return nil }
                return found
            }
            #expect(cut["status"] == "success", "\(cut)")
            let next = try await ClusterTests.eventually(within: .seconds(90)) { () -> Value? in
                let found = try await HTTP.get(second.url + "/threads/\(thread)/runs/\(queuedRun)")
                if found["status"] == "running" || found["status"] == "pending" { return nil }
                return found
            }
            #expect(next["status"] == "success", "\(next)")
            let state = try await HTTP.get(second.url + "/threads/\(thread)/state")
            #expect(state["values"]?["answer"]?.stringValue?.isEmpty == false)
            #expect(try await HTTP.get(second.url + "/threads/\(thread)")["status"] == "idle")
            // Nothing was done twice: three findings per run, none from a redone branch.
            #expect(state["values"]?["findings"]?.arrayValue?.count == 6, "\(state["values"]?["findings"] ?? .null)")
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }
}

extension RestartTests {
    /// A research run and a second one queued behind it on a new thread; returns once the first has its plan.
    /// SIGTERM with a long grace: the run under way goes on to its end (no
    /// polling: the server exits as soon as it has), and a restart finds it
    /// finished, with nothing left to run.
    @Test func sigtermLetsTheRunUnderWayFinishWithinTheGrace() async throws {
        let directory = NSTemporaryDirectory() + "chorus-sigterm-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/serve.sqlite"
        let first = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 30, fanout: 3, serveArguments: ["--shutdown-grace", "120"],
                                                        sqlitePath: database)
        let started: (thread: String, run: String, queued: String)
        do {
            started = try await Self.startTwoRunsAndWaitForThePlan(on: first.url)
        } catch {
            await first.stop()
            throw error
        }
        let asked = ContinuousClock.now
        #expect(await first.terminate() == .exited(0))
        // It waited for the run, not for the grace.
        #expect(ContinuousClock.now - asked < .seconds(100))
        await first.stop()
        let second = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 30, fanout: 3, sqlitePath: database)
        do {
            let run = try await HTTP.get(second.url + "/threads/\(started.thread)/runs/\(started.run)")
            #expect(run["status"] == "success", "\(run)")
            // The queued run was not started: shutting down, the server ended it.
            let queued = try await HTTP.get(second.url + "/threads/\(started.thread)/runs/\(started.queued)")
            #expect(queued["status"] == "interrupted", "\(queued)")
            let state = try await HTTP.get(second.url + "/threads/\(started.thread)/state")
            #expect(state["values"]?["answer"]?.stringValue?.isEmpty == false, "\(state)")
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }

    static func startTwoRunsAndWaitForThePlan(on url: String) async throws -> (thread: String, run: String, queued: String) {
        let thread = try #require(try await HTTP.post(url + "/threads", [:])["thread_id"]?.stringValue)
        let run = try #require(try await HTTP.post(url + "/threads/\(thread)/runs", [
            "assistant_id": "research", "input": ["question": "what survives a crash?"], "durability": "sync",
        ])["run_id"]?.stringValue)
        let queued = try #require(try await HTTP.post(url + "/threads/\(thread)/runs", [
            "assistant_id": "research", "input": ["question": "and what comes after it?"], "multitask_strategy": "enqueue",
        ])["run_id"]?.stringValue)
        // The planner has run: the thread has checkpoints the run wrote, and its branches are under way.
        _ = try await ClusterTests.eventually(within: .seconds(60)) {
            let state = try await HTTP.get(url + "/threads/\(thread)/state")
            return (state["values"]?["sub_questions"]?.arrayValue?.isEmpty == false) ? true : nil
        }
        return (thread, run, queued)
    }
}
