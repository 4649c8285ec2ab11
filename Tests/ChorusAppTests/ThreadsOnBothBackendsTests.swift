import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// Every `chorus threads` subcommand, one body run on the local database and
/// on a real `chorus serve` with `--server`: the same results, and with
/// `--server` the local store is never touched.
@Suite struct ThreadsOnBothBackendsTests {
    let sandbox: ChorusSandbox

    init() throws {
        sandbox = try ChorusSandbox(prefix: "chorus-threads-both-")
    }

    func chorus(_ arguments: [String]) async throws -> (Int32, String, String) {
        try await sandbox.run(arguments)
    }

    func listed(_ target: [String]) async throws -> [Value] {
        let (status, out, err) = try await chorus(["threads", "list", "--json"] + target)
        #expect(status == 0, "\(err)")
        return try out.split(separator: "\n").map { try JSON.parse(String($0)) }
    }

    @Test(arguments: [false, true]) func everyThreadsSubcommandWorksOnEitherBackend(onServer: Bool) async throws {
        let server = onServer ? try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 0) : nil
        do {
            try await exercise(target: server.map { ["--server", $0.url] } ?? [])
        } catch {
            await server?.stop()
            throw error
        }
        await server?.stop()
    }

    func exercise(target: [String]) async throws {
        // A thread of the local database that commands given --server must not see or change.
        let (_, localOut, _) = try await chorus(["--print", "a local question", "--json"])
        let localId = try #require(try JSON.parse(localOut)["thread_id"]?.stringValue)

        let (asked, out, err) = try await chorus(["--print", "remember the supersteps", "--json"] + target)
        #expect(asked == 0, "\(err)")
        let id = try #require(try JSON.parse(out)["thread_id"]?.stringValue)
        let prefix = String(id.prefix(8))
        #expect(try await listed(target).compactMap { $0["id"]?.stringValue }.contains(id))

        let (shown, json, _) = try await chorus(["threads", "show", prefix, "--json"] + target)
        #expect(shown == 0)
        let messages = try JSON.parse(json)["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"]?.stringValue } == ["user", "assistant"])
        #expect(messages.first?["content"] == "remember the supersteps")
        #expect(messages.last?["content"]?.stringValue?.contains("remember the supersteps") == true, "the offline model quotes it")

        // A second turn, then the history: both turns' checkpoints, newest first, as get_state_history lists them.
        #expect(try await chorus(["--print", "and the channels", "--thread", id] + target).0 == 0)
        let (historied, history, historyErr) = try await chorus(["threads", "history", prefix, "--json"] + target)
        #expect(historied == 0, "\(historyErr)")
        let checkpoints = try JSON.parse(history).arrayValue ?? []
        let turn = [["step": 1, "source": "loop", "nodes": ["model"], "messages": 2], ["step": 0, "source": "loop", "nodes": ["__start__"], "messages": 1],
                    ["step": -1, "source": "input", "nodes": [], "messages": 0]] as [Value]
        func shape(_ checkpoint: Value) -> Value {
            ["step": checkpoint["step"] ?? .null, "source": checkpoint["source"] ?? .null, "nodes": checkpoint["nodes"] ?? .null,
             "messages": checkpoint["messages"] ?? .null]
        }
        // The second turn starts from the first's state: its input sees 2 messages, its end 4.
        let second = [["step": 4, "source": "loop", "nodes": ["model"], "messages": 4], ["step": 3, "source": "loop", "nodes": ["__start__"], "messages": 3],
                      ["step": 2, "source": "input", "nodes": [], "messages": 2]] as [Value]
        #expect(checkpoints.map(shape) == second + turn, "\(history)")
        // Each names its parent, the one listed after it, and says when it was written.
        for (newer, older) in zip(checkpoints, checkpoints.dropFirst()) { #expect(newer["parent_checkpoint_id"] == older["checkpoint_id"]) }
        #expect(checkpoints.allSatisfy { $0["created_at"]?.stringValue?.hasPrefix("20") == true })
        let (limited, firstTwo, _) = try await chorus(["threads", "history", prefix, "--json", "--limit", "2"] + target)
        let latestTwo = try JSON.parse(firstTwo).arrayValue?.map(shape)
        #expect(limited == 0 && latestTwo == Array(second.prefix(2)))

        let (searched, hits, _) = try await chorus(["threads", "search", "supersteps", "--json"] + target)
        #expect(searched == 0)
        #expect(try hits.split(separator: "\n").map { try JSON.parse(String($0))["thread_id"]?.stringValue }.contains(id))

        #expect(try await chorus(["threads", "rename", prefix, "Renamed thread"] + target).0 == 0)
        #expect(try await listed(target).first { $0["id"]?.stringValue == id }?["title"] == "Renamed thread")

        let (exported, all, _) = try await chorus(["threads", "export", "--format", "json"] + target)
        #expect(exported == 0)
        #expect(try JSON.parse(all).arrayValue?.contains { $0["id"]?.stringValue == id } == true)

        #expect(try await chorus(["threads", "delete", prefix, "--yes"] + target).0 == 0)
        #expect(try await !listed(target).contains { $0["id"]?.stringValue == id })

        if !target.isEmpty {
            // The local thread is not the server's: naming it with --server finds nothing, deletes nothing.
            let (refused, _, why) = try await chorus(["threads", "delete", localId, "--yes"] + target)
            #expect(refused == 1)
            #expect(why.contains("no thread"), "\(why)")
            #expect(try await listed([]).compactMap { $0["id"]?.stringValue } == [localId])
        }
    }
}
