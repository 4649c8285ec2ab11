import ChorusGraph
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// `chorus threads show | search | rename | delete | export` on the built
/// executable, with ids given whole or by unique prefix.
@Suite struct ThreadsCommandTests {
    let sandbox: ChorusSandbox
    var dir: String { sandbox.dir }
    var env: [String: String] { sandbox.environment }

    init() throws {
        sandbox = try ChorusSandbox(prefix: "chorus-threads-")
    }

    func chorus(_ arguments: [String], input: String = "") async throws -> (Int32, String, String) {
        try await sandbox.run(arguments, input: input)
    }

    /// Asks `question` with --print; returns the new thread's id.
    func ask(_ question: String) async throws -> String {
        let (status, out, err) = try await chorus(["--print", question, "--json"])
        #expect(status == 0, "\(err)")
        return try #require(try JSON.parse(out)["thread_id"]?.stringValue)
    }

    @Test func showPrintsTheMessagesAsTextMarkdownOrJSON() async throws {
        let id = try await ask("explain \u{1B}]52;c;cHduZWQ=\u{07}supersteps \u{1B}[2J")
        let (status, text, _) = try await chorus(["threads", "show", String(id.prefix(8))])
        #expect(status == 0)
        #expect(text.contains("You:\nexplain supersteps"))
        #expect(text.range(of: #"offline: \(\d+ tokens\)\n"#, options: .regularExpression) != nil, "the reply's tokens beside it")
        let (_, markdown, _) = try await chorus(["threads", "show", id, "--markdown"])
        #expect(markdown.hasPrefix("# explain supersteps"))
        #expect(markdown.contains("## You\n\nexplain supersteps"))
        let (_, json, _) = try await chorus(["threads", "show", id, "--json"])
        let thread = try JSON.parse(json)
        #expect(thread["id"]?.stringValue == id)
        #expect(thread["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant"])
        for output in [text, markdown, json] { #expect(!output.contains("\u{1B}"), "escape sequences are stripped") }
        await #expect(try chorus(["threads", "show", id, "--json", "--markdown"]).0 == 2)
    }

    @Test func aThreadsCostsFromThePriceTableAddUpInShowAndList() async throws {
        let config = dir + "/prices.toml"
        try "[models.\"offline\"]\ninput_usd_per_mtok = 2.5\noutput_usd_per_mtok = 10\n".write(toFile: config, atomically: true, encoding: .utf8)
        var costs: [Double] = [], tokens: [Int] = []
        var id = ""
        for turn in ["first question", "second question"] {
            let (status, out, err) = try await chorus(["--config", config, "--print", turn, "--json"] + (id.isEmpty ? [] : ["--continue"]))
            #expect(status == 0, "\(err)")
            let reply = try JSON.parse(out)
            id = try #require(reply["thread_id"]?.stringValue)
            costs.append(try #require(reply["cost_usd"]?.doubleValue))
            tokens.append(try #require(reply["usage"]?["input_tokens"]?.intValue) + (reply["usage"]?["output_tokens"]?.intValue ?? 0))
        }
        let (_, json, _) = try await chorus(["--config", config, "threads", "show", id, "--json"])
        let thread = try JSON.parse(json)
        let replies = thread["messages"]?.arrayValue?.filter { $0["role"] == "assistant" } ?? []
        #expect(replies.compactMap { $0["tokens"]?.intValue } == tokens)
        #expect(zip(replies.compactMap { $0["cost_usd"]?.doubleValue }, costs).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(thread["tokens"]?.intValue == tokens.reduce(0, +))
        #expect(abs((thread["cost_usd"]?.doubleValue ?? 0) - costs.reduce(0, +)) < 1e-12)
        let (_, text, _) = try await chorus(["--config", config, "threads", "show", id])
        #expect(text.contains(String(format: "4 messages, %d tokens, $%.4f)", tokens.reduce(0, +), costs.reduce(0, +))), "\(text)")
        let (_, list, _) = try await chorus(["--config", config, "threads", "list", "--usage", "--json"])
        let listed = try #require(try list.split(separator: "\n").map { try JSON.parse(String($0)) }.first { $0["id"]?.stringValue == id })
        #expect(listed["tokens"]?.intValue == tokens.reduce(0, +) && listed["cost_usd"] == thread["cost_usd"])
        let (_, table, _) = try await chorus(["threads", "list", "--usage"])
        // The cost was priced when each reply was made, and stays with it.
        #expect(table.range(of: id + #"  4 msgs +\d+ tok \$0\.\d{4} +first question"#, options: .regularExpression) != nil, "\(table)")
    }

    @Test func unknownAndAmbiguousPrefixesFail() async throws {
        // Two ids sharing a prefix, made in the store directly.
        let store = ThreadStore(database: try ChorusDatabase(path: dir + "/c.sqlite"))
        try await store.create(id: "abc-1", title: "one")
        try await store.create(id: "abc-2", title: "two")
        let ambiguous = try await chorus(["threads", "show", "abc"])
        #expect(ambiguous.0 == 1)
        #expect(ambiguous.2.contains("abc-1") && ambiguous.2.contains("abc-2"))
        let unknown = try await chorus(["threads", "rename", "nope", "title"])
        #expect(unknown.0 == 1)
        #expect(unknown.2.contains("no thread"))
        await #expect(try chorus(["threads", "show", "abc-2"]).0 == 0, "a whole id is never ambiguous")
    }

    @Test func searchFindsMessagesInEveryThread() async throws {
        let a = try await ask("tell me about reducers")
        _ = try await ask("tell me about channels")
        let (status, out, _) = try await chorus(["threads", "search", "reducers"])
        #expect(status == 0)
        #expect(!out.isEmpty)
        #expect(out.split(separator: "\n").allSatisfy { $0.hasPrefix(Substring(a)) })
        let (_, json, _) = try await chorus(["threads", "search", "tell", "--json"])
        let hits = try json.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(Set(hits.compactMap { $0["thread_id"]?.stringValue }).count == 2)
        #expect(hits.allSatisfy { $0["snippet"]?.stringValue?.isEmpty == false })
    }

    @Test func renameChangesTheTitle() async throws {
        let id = try await ask("first title")
        await #expect(try chorus(["threads", "rename", String(id.prefix(5)), "Better \u{1B}[31mtitle"]).0 == 0)
        let (_, listed, _) = try await chorus(["threads", "list"])
        #expect(listed.contains("Better title"))
        #expect(!listed.contains("\u{1B}"))
    }

    @Test func deleteAsksAndRefusesWithoutATerminal() async throws {
        let id = try await ask("delete me")
        let refused = try await chorus(["threads", "delete", id])
        #expect(refused.0 == 2)
        #expect(refused.2.contains("--yes"))
        await #expect(try chorus(["threads", "list"]).1.contains(id), "nothing deleted without confirmation")
        let deleted = try await chorus(["threads", "delete", String(id.prefix(7)), "--yes"])
        #expect(deleted.0 == 0)
        await #expect(!(try chorus(["threads", "list"]).1.contains(id)))
        await #expect(try chorus(["threads", "show", id]).0 == 1)
    }

    @Test func exportWritesAllOrChosenThreads() async throws {
        let a = try await ask("alpha question")
        let b = try await ask("beta question")
        let (status, all, _) = try await chorus(["threads", "export", "--format", "json"])
        #expect(status == 0)
        let threads = try JSON.parse(all).arrayValue ?? []
        #expect(Set(threads.compactMap { $0["id"]?.stringValue }) == [a, b])
        #expect(threads.allSatisfy { $0["messages"]?.arrayValue?.count == 2 })
        let (_, one, _) = try await chorus(["threads", "export", String(b.prefix(8))])
        #expect(one.contains("# beta question"))
        #expect(!one.contains("alpha question"))
        let (_, both, _) = try await chorus(["threads", "export"])
        #expect(both.contains("# alpha question") && both.contains("# beta question"))
        await #expect(try chorus(["threads", "export", "--format", "yaml"]).0 == 2)
    }
}
