import ChorusGraph
import ChorusRemote
import ChorusTesting
import Foundation
import Testing

/// `chorus --server URL` in a real terminal (tmux), against the real
/// reference server (`langgraph dev`, graphs chat, fanout, approve) and
/// against `chorus serve`: chat, thread switching, cancel, an interrupt
/// answered from the keyboard, and a fan-out of 8 in 8 panes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RemoteEndToEndTests {
    let dir: String

    /// Installed by `scripts/test.sh` (`scripts/remote/langgraph-dev.sh install`); without it these are skipped.
    static let reference = Testing.ConditionTrait.enabled(if: LangGraphTestServer.langgraphDevAvailable, "langgraph dev is not installed")

    @Test(reference) func chatOnLanggraphDev() async throws { try await chatStreamsAndThreadsComeFromTheServer(.langgraphDev) }
    @Test func chatOnChorusServe() async throws { try await chatStreamsAndThreadsComeFromTheServer(.chorusServe) }
    @Test(reference) func cancelOnLanggraphDev() async throws { try await escCancelsTheRunOnTheServer(.langgraphDev) }
    @Test func cancelOnChorusServe() async throws { try await escCancelsTheRunOnTheServer(.chorusServe) }
    @Test(reference) func interruptOnLanggraphDev() async throws { try await anInterruptIsAnsweredFromTheKeyboard(.langgraphDev) }
    @Test func interruptOnChorusServe() async throws { try await anInterruptIsAnsweredFromTheKeyboard(.chorusServe) }
    @Test(reference) func fanOutOnLanggraphDev() async throws { try await aFanOutOfEightShowsEightPanes(.langgraphDev) }
    @Test func fanOutOnChorusServe() async throws { try await aFanOutOfEightShowsEightPanes(.chorusServe) }
    @Test(reference) func commandsOnLanggraphDev() async throws { try await theCommandsTakeServerToo(.langgraphDev) }
    @Test func commandsOnChorusServe() async throws { try await theCommandsTakeServerToo(.chorusServe) }

    init() throws {
        dir = NSTemporaryDirectory() + "chorus-remote-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func app(_ server: LangGraphTestServer, _ arguments: [String] = [], width: Int = 120, height: Int = 40) throws -> TmuxSession {
        try TmuxSession(command: [BuiltExecutable.path("chorus"), "--server", server.url] + arguments, environment: [
            "CHORUS_DB": dir + "/chorus.sqlite", "HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state", "LANG": "C.UTF-8",
        ], width: width, height: height)
    }

    /// The transcript column: what is right of the thread list.
    static func transcript(_ screen: [String]?) -> String {
        (screen ?? []).map { line in line.firstIndex(of: "│").map { String(line[line.index(after: $0)...]) } ?? line }.joined(separator: "\n")
    }

    /// The last word of a finished reply from each server's model.
    static func replyEnd(_ kind: LangGraphTestServer.Kind, tokens: Int) -> String { kind == .langgraphDev ? "tok\(tokens - 1)" : "lost." }

    func chatStreamsAndThreadsComeFromTheServer(_ kind: LangGraphTestServer.Kind) async throws {
        try await LangGraphTestServer.with(kind, tokens: 30, delayMs: 20) { server in
            let tmux = try app(server)
            #expect(try await tmux.waitFor("Message (Enter sends") != nil)
            try tmux.send("first question", literal: true)
            try tmux.send("Enter")
            #expect(try await tmux.waitFor(Self.replyEnd(kind, tokens: 30)) != nil)
            try tmux.send("C-t")
            try tmux.send("second question", literal: true)
            try tmux.send("Enter")
            let second = try await tmux.waitFor { Self.transcript($0).contains("second question") && Self.transcript($0).contains(Self.replyEnd(kind, tokens: 30)) }
            #expect(second != nil)
            // The other thread's transcript is read back from the server's state.
            try tmux.send("C-p")
            let first = try await tmux.waitFor { Self.transcript($0).contains("first question") && !Self.transcript($0).contains("second question") }
            #expect(Self.transcript(first).contains(Self.replyEnd(kind, tokens: 30)), "\(first ?? [])")
            // Ctrl-R replaces the reply on the server: the state still holds one question and one answer.
            try tmux.send("C-r")
            #expect(try await tmux.waitFor { $0.joined().contains("● ") } != nil)
            let regenerated = try await tmux.waitFor { !$0.joined().contains("● ") && Self.transcript($0).contains(Self.replyEnd(kind, tokens: 30)) }
            #expect(regenerated != nil && !Self.transcript(regenerated).contains("error"), "\(regenerated ?? [])")
            try tmux.send("C-q")
            #expect(try await tmux.waitFor("[exited 0]") != nil)
            let threads = try await LangGraphClient(url: server.url, apiKey: nil).threads(limit: 10, offset: 0).threads
            #expect(Set(threads.compactMap { $0.metadata["title"]?.stringValue }) == ["first question", "second question"])
            #expect(threads.allSatisfy { $0.messages.count == 2 })
        }
    }

    func escCancelsTheRunOnTheServer(_ kind: LangGraphTestServer.Kind) async throws {
        try await LangGraphTestServer.with(kind, tokens: 600, delayMs: 25) { server in
            let tmux = try app(server)
            #expect(try await tmux.waitFor("Message (Enter sends") != nil)
            try tmux.send("a long answer please", literal: true)
            try tmux.send("Enter")
            #expect(try await tmux.waitFor(kind == .langgraphDev ? "tok3 " : "offline model") != nil)
            try tmux.send("Escape")
            let cancelled = try await tmux.waitFor("[cancelled]")
            #expect(cancelled != nil)
            // The server stops the run: the thread is no longer busy, well before the reply would have ended.
            let client = try LangGraphClient(url: server.url, apiKey: nil)
            let id = try #require(try await client.threads(limit: 1, offset: 0).threads.first?.id)
            var status = "busy"
            for _ in 0..<50 where status == "busy" {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.thread(id).status
            }
            #expect(status != "busy")
            // What was on screen is on the server too: the partial reply, marked cancelled, after the question.
            var kept = try await client.state(id).messages
            for _ in 0..<50 where kept.count < 2 {
                try await Task.sleep(for: .milliseconds(100))
                kept = try await client.state(id).messages
            }
            #expect(kept.count == 2, "\(kept)")
            #expect(kept.last?.role == .assistant && kept.last?.status == .cancelled, "\(kept)")
            // LangChain keeps the mark where it keeps undeclared keys: in response_metadata.
            let wire = try await client.state(id).values["messages"]?.arrayValue?.last
            #expect(wire?["response_metadata"]?["chorus_status"] == "cancelled", "\(String(describing: wire))")
            let partial = try #require(kept.last?.content)
            #expect(!partial.isEmpty && !partial.contains(Self.replyEnd(kind, tokens: 600)), "\(partial)")
            #expect(try await client.state(id).next.isEmpty, "nothing left to run")
            // The thread takes the next message.
            try tmux.send("and now?", literal: true)
            try tmux.send("Enter")
            #expect(try await tmux.waitFor { Self.transcript($0).contains("and now?") && $0.joined().contains("● ") } != nil)
            try tmux.send("Escape")
            // (An Esc right before Ctrl-Q would read as Alt-Ctrl-Q.)
            #expect(try await tmux.waitFor { $0.joined().components(separatedBy: "[cancelled]").count == 3 } != nil)
            try tmux.send("C-q")
            #expect(try await tmux.waitFor("[exited 0]") != nil)
        }
    }

    func anInterruptIsAnsweredFromTheKeyboard(_ kind: LangGraphTestServer.Kind) async throws {
        try await LangGraphTestServer.with(kind, tokens: 5, delayMs: 10) { server in
            let tmux = try app(server, ["--assistant", "approve"])
            #expect(try await tmux.waitFor("Message (Enter sends") != nil)
            try tmux.send("ship it", literal: true)
            try tmux.send("Enter")
            let asked = try await tmux.waitFor("the run waits for your answer")
            #expect(Self.transcript(asked).contains("approve?"), "\(asked ?? [])")
            #expect(asked?.joined().contains("Your answer (Enter resumes the run)") == true)
            let answer = kind == .langgraphDev ? "yes please" : "no"
            try tmux.send(answer, literal: true)
            try tmux.send("Enter")
            let done = try await tmux.waitFor(kind == .langgraphDev ? "you said: yes please" : "declined")
            #expect(done != nil)
            #expect(!(done ?? []).joined().contains("the run waits for your answer"))
            try tmux.send("C-q")
            #expect(try await tmux.waitFor("[exited 0]") != nil)
        }
    }

    func aFanOutOfEightShowsEightPanes(_ kind: LangGraphTestServer.Kind) async throws {
        // The reference's workers stream 12 tokens; the offline researchers about 90 words, at 50 a second.
        try await LangGraphTestServer.with(kind, tokens: 12, delayMs: kind == .langgraphDev ? 60 : 20, fanout: 8) { server in
            // Tall enough for eight panes beside a finished research answer.
            let tmux = try app(server, kind == .langgraphDev ? ["--assistant", "fanout"] : [], height: 50)
            #expect(try await tmux.waitFor("Message (Enter sends") != nil)
            try tmux.send(kind == .langgraphDev ? "fan out" : "/research why is the sky blue", literal: true)
            try tmux.send("Enter")
            // Live: eight panes while the branches still run.
            let live = try await tmux.waitFor { screen in Pane.all(in: screen).count == 8 && screen.joined().contains("running") }
            #expect(live != nil, "\((try? tmux.screen()) ?? [])")
            let done = try await tmux.waitForSettled(timeout: .seconds(60)) { $0.joined().contains("✓ done") }
            let panes = Pane.all(in: done ?? [])
            #expect(panes.map(\.number) == Array(1...8))
            let node = kind == .langgraphDev ? "worker" : "researcher"
            for pane in panes {
                #expect(pane.text.contains("\(node) \(pane.number)"), "\(pane)")
                if kind == .langgraphDev {
                    // Worker k streams w{k-1}-0 … w{k-1}-11; each pane holds its own worker's tokens and no other's.
                    let own = "w\(pane.number - 1)-"
                    #expect(pane.text.contains(own + "11"), "\(pane)")
                    #expect(!(0..<8).filter { $0 != pane.number - 1 }.contains { pane.text.contains("w\($0)-") }, "\(pane)")
                } else {
                    // The end of the offline model's reply, streamed into this branch's pane.
                    #expect(pane.text.contains("lost."), "\(pane)")
                }
            }
            try tmux.send("C-q")
            #expect(try await tmux.waitFor("[exited 0]") != nil)
        }
    }

    /// `--print`, `threads list` and `research` with `--server`: an exchange, an interrupt answered by a second `--print`, branches.
    func theCommandsTakeServerToo(_ kind: LangGraphTestServer.Kind) async throws {
        try await LangGraphTestServer.with(kind, tokens: 5, delayMs: 5, fanout: 3) { server in
            let environment = ["HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "CHORUS_DB": dir + "/cli.sqlite"]
            let (status, out, err) = try await BuiltExecutable.run("chorus", ["--print", "hello server", "--server", server.url, "--json"], environment: environment)
            #expect(status == 0, "\(err)")
            let printed = try JSON.parse(out)
            let reply = try #require(printed["reply"]?.stringValue)
            #expect(reply.contains(kind == .langgraphDev ? "tok4" : "hello server"), "\(out)")
            let threadId = try #require(printed["thread_id"]?.stringValue)
            let (_, listed, _) = try await BuiltExecutable.run("chorus", ["threads", "list", "--server", server.url], environment: environment)
            #expect(listed.contains(threadId) && listed.contains("hello server"), "\(listed)")

            // A run that stops at an interrupt says how to answer; the answer resumes it.
            let (_, _, asked) = try await BuiltExecutable.run("chorus", ["--print", "ship it", "--server", server.url, "--assistant", "approve"], environment: environment)
            #expect(asked.contains("the run waits for an answer to") && asked.contains("approve?"), "\(asked)")
            let waiting = try #require(asked.split(separator: "--thread ").last.map { String($0.prefix(36)) })
            let (resumed, answer, resumeErr) = try await BuiltExecutable.run("chorus", ["--print", "no", "--server", server.url, "--assistant", "approve", "--thread", waiting],
                                                                              environment: environment)
            #expect(resumed == 0, "\(resumeErr)")
            #expect(answer.contains(kind == .langgraphDev ? "you said: no" : "declined"), "\(answer)")

            let research = kind == .langgraphDev ? ["research", "why", "--server", server.url, "--assistant", "fanout", "--jsonl"]
                : ["research", "why", "--server", server.url, "--jsonl"]
            let (researched, lines, researchErr) = try await BuiltExecutable.run("chorus", research, environment: environment)
            #expect(researched == 0, "\(researchErr)")
            let events = try lines.split(separator: "\n").map { try JSON.parse(String($0)) }
            #expect(events.filter { $0["event"] == "branch_start" }.count == 3, "\(lines)")
            #expect(events.last?["event"] == "final" && events.last?["answer"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func aServerThatIsDownIsNamedBeforeTheScreenIsTaken() async throws {
        let (status, _, err) = try await BuiltExecutable.run("chorus", ["--server", "http://127.0.0.1:9", "--db", dir + "/c.sqlite"],
                                                             environment: ["HOME": dir, "XDG_CONFIG_HOME": dir + "/config"])
        #expect(status == 1)
        #expect(err.contains("cannot reach the LangGraph server at http://127.0.0.1:9: connection refused"), "\(err)")
        let (usage, _, usageErr) = try await BuiltExecutable.run("chorus", ["--server", "file:///tmp/x", "--db", dir + "/c.sqlite"],
                                                                 environment: ["HOME": dir, "XDG_CONFIG_HOME": dir + "/config"])
        #expect(usage == 2)
        #expect(usageErr.contains("is not an http:// or https:// URL"), "\(usageErr)")
    }
}

/// A research pane as drawn: its number (`[k]` in its top border) and the text inside its box.
struct Pane: CustomStringConvertible {
    var number: Int
    var text: String
    var description: String { "pane \(number): \(text)" }

    static func all(in screen: [String]) -> [Pane] {
        let rows = screen.map(Array.init)
        var panes: [Pane] = []
        for (r, row) in rows.enumerated() {
            var c = 0
            while c < row.count {
                guard row[c] == "┌", let end = row[c...].firstIndex(of: "┐") else { c += 1; continue }
                let title = String(row[c...end])
                if let open = title.firstIndex(of: "["), let close = title.firstIndex(of: "]"), let number = Int(title[title.index(after: open)..<close]) {
                    var lines: [String] = []
                    for below in rows.dropFirst(r + 1) {
                        guard below.count > end, below[c] != "└" else { break }
                        lines.append(String(below[(c + 1)..<end]).trimmingCharacters(in: .whitespaces))
                    }
                    panes.append(Pane(number: number, text: lines.joined(separator: " ")))
                }
                c = end + 1
            }
        }
        return panes.sorted { $0.number < $1.number }
    }
}
