import ChorusGraph
import ChorusTesting
import Foundation
import Glibc
import Testing

/// SIGTERM, SIGHUP (the terminal closes) and SIGINT while a reply streams:
/// what arrived is saved, marked `[cancelled]` as Esc does, the unsent
/// input is kept, and the terminal is restored.
extension EndToEndTests {
    /// The pid of `chorus` running in the session's pane (a child of the pane's shell).
    func chorusPID(_ session: TmuxSession) throws -> pid_t {
        let shell = try session.command(["display-message", "-p", "-t", session.target, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8).split(separator: " ")
        let chorus = children.first { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("chorus") == true
        }
        return try #require(chorus.flatMap { pid_t($0) })
    }

    /// Whether `pid` is alive (a zombie nobody reaps has exited).
    func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Types a question, waits until its reply is partly on screen, then types unsent text.
    func startReplyAndType(_ tmux: TmuxSession, question: String, unsent: String) async throws {
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send(question, literal: true)
        try tmux.send("Enter")
        #expect(try await tmux.waitFor("offline model") != nil)
        try tmux.send(unsent, literal: true)
        #expect(try await tmux.waitFor(unsent) != nil)
    }

    /// After a restart, the thread shows the partial reply marked and the unsent text is back in its input.
    func expectKeptAfterRestart(question: String, unsent: String) async throws {
        let again = try start()
        #expect(try await again.waitFor(question) != nil)
        try again.send("M-1")
        let reopened = try await again.waitFor("[cancelled]")
        #expect(text(reopened).contains("offline model"))
        #expect(!text(reopened).contains(Self.replyEnd))
        #expect(text(reopened).contains(unsent), "the unsent input is kept with its thread")
        try again.send("C-q")
        #expect(try await again.waitFor("[exited 0]") != nil)
    }

    @Test func sigtermMidReplySavesThePartialReplyAndRestoresTheTerminal() async throws {
        let tmux = try start(tokensPerSecond: 15)
        try await startReplyAndType(tmux, question: "terminate me", unsent: "words not sent yet")
        kill(try chorusPID(tmux), SIGTERM)
        let exited = try await tmux.waitFor("[exited 143]")
        #expect(exited != nil, "exits with 128 + SIGTERM")
        #expect(!text(exited).contains("Threads"), "back on the normal screen")
        try await expectKeptAfterRestart(question: "terminate me", unsent: "words not sent yet")
    }

    @Test func sigintMidReplySavesThePartialReply() async throws {
        let tmux = try start(tokensPerSecond: 15)
        try await startReplyAndType(tmux, question: "interrupt me", unsent: "half typed")
        kill(try chorusPID(tmux), SIGINT)
        let exited = try await tmux.waitFor("[exited 130]")
        #expect(exited != nil)
        try await expectKeptAfterRestart(question: "interrupt me", unsent: "half typed")
    }

    @Test func closingTheTerminalMidReplySavesThePartialReply() async throws {
        let tmux = try start(tokensPerSecond: 15)
        try await startReplyAndType(tmux, question: "hang up on me", unsent: "left in the input")
        let pid = try chorusPID(tmux)
        // The terminal goes away: tmux hangs up the pane's processes (SIGHUP).
        try tmux.command(["kill-session", "-t", tmux.target])
        // Wait for the process to finish saving and exit (a process has no exit event to await here).
        let deadline = ContinuousClock.now + .seconds(20)
        while isRunning(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!isRunning(pid), "chorus exited after SIGHUP")
        let (_, out, _) = try await BuiltExecutable.run("chorus", ["threads", "export", "--format", "json", "--db", dir + "/chorus.sqlite"],
                                                  input: Data())
        let messages = try JSON.parse(out).arrayValue?.first?["messages"]?.arrayValue ?? []
        #expect(messages.last?["status"] == "cancelled")
        #expect(messages.last?["content"]?.stringValue?.contains("offline model") == true)
        try await expectKeptAfterRestart(question: "hang up on me", unsent: "left in the input")
    }
}
