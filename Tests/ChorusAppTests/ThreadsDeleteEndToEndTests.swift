import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// `chorus threads delete` asks on a real terminal.
extension EndToEndTests {
    @Test func threadsDeleteAsksOnTheTerminal() async throws {
        let db = dir + "/chorus.sqlite"
        let env = ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0", "HOME": dir, "XDG_CONFIG_HOME": dir + "/config"]
        var ids: [String] = []
        for question in ["keep me", "delete me"] {
            let (_, out, _) = try await BuiltExecutable.run("chorus", ["--print", question, "--json", "--provider", "offline", "--db", db],
                                                      environment: env, input: Data())
            ids.append(try #require(try JSON.parse(out)["thread_id"]?.stringValue))
        }
        let keep = try TmuxSession(command: [binary, "threads", "delete", ids[0], "--db", db], environment: env)
        #expect(try await keep.waitFor("“keep me”") != nil)
        try keep.send("n", "Enter")
        #expect(try await keep.waitFor("[exited 1]") != nil, "answering no keeps it and fails")
        let delete = try TmuxSession(command: [binary, "threads", "delete", String(ids[1].prefix(8)), "--db", db], environment: env)
        #expect(try await delete.waitFor("[y/N]") != nil)
        try delete.send("y", "Enter")
        #expect(try await delete.waitFor("[exited 0]") != nil)
        let (_, listed, _) = try await BuiltExecutable.run("chorus", ["threads", "list", "--db", db], input: Data())
        #expect(listed.contains(ids[0]))
        #expect(!listed.contains(ids[1]))
    }
}
