import ChorusGraph
import ChorusTesting
import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// What a server's run does to the screen, as `update` handles it: a
/// fan-out becomes panes, an `interrupt()` a question the input answers.
@Suite struct RemoteUpdateTests {
    /// A thread `t1` on screen with a reply streaming into `pending`.
    static func replying() throws -> AppModel {
        var m = try makeModel(width: 120, height: 40)
        m.feed(.threadsLoaded([thread("t1", "fan")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "t1", []))
        m.type("fan out")
        m.press(.enter)
        return m
    }

    @Test func aFanOutOpensAPanePerBranchAndTheRestIsTheReply() throws {
        var m = try Self.replying()
        m.feed(.token(threadId: "t1", entryId: "m0", text: "w0-0 ", node: "worker", step: 1))
        #expect(m.currentResearch == nil)
        m.feed(.fanOut(threadId: "t1", .opened("worker 1")), .fanOut(threadId: "t1", .token(branch: "worker 1", text: "w0-0 ")),
               .fanOut(threadId: "t1", .opened("worker 2")), .fanOut(threadId: "t1", .token(branch: "worker 2", text: "w1-0 \u{1B}[2J")))
        let state = try #require(m.currentResearch)
        #expect(state.onServer && state.question == "fan out")
        #expect(state.branches.map(\.subQuestion) == ["worker 1", "worker 2"])
        #expect(state.branches.map(\.text) == ["w0-0 ", "w1-0 "])
        #expect(state.branches.allSatisfy { $0.status == .running })
        // The first branch's token no longer reads as the reply.
        #expect(m.entries.last?.text == "")
        let screen = m.screen().joined(separator: "\n")
        #expect(screen.contains("● branches · running 2"))
        #expect(screen.contains("Esc stop run") && !screen.contains("r resume"))
        m.press(.character("c"))
        #expect(m.notice?.contains("cannot be stopped one by one") == true)
        m.feed(.fanOut(threadId: "t1", .branchesDone), .fanOut(threadId: "t1", .answer("both done")))
        #expect(m.currentResearch?.branches.allSatisfy { $0.status == .done } == true)
        #expect(m.currentResearch?.answer == "both done")
        #expect(m.entries.last?.text == "both done")
        m.feed(.replyEnded(thread: "t1", entryId: "m0", .done))
        #expect(m.currentResearch?.phase == .done)
        // The next message gives the panes back to the conversation.
        m.type("again")
        let effects = m.press(.enter)
        #expect(m.currentResearch == nil)
        #expect(effects.contains { if case .startReply = $0 { true } else { false } })
    }

    @Test func onAServerCtrlOPicksTheThreadsAssistant() throws {
        var m = try makeModel(width: 100, height: 20)
        m.runnerName = "assistant"
        m.providerChoices = ["approve", "chat", "fanout"]
        m.press(.ctrl("o"))
        let screen = m.screen().joined(separator: "\n")
        #expect(screen.contains("Assistant for this thread") && screen.contains("fanout"))
    }

    @Test func anInterruptAsksAndTheInputAnswersIt() throws {
        var m = try Self.replying()
        let pending = try #require(m.replies["t1"]?.entryId)
        m.feed(.replyEnded(thread: "t1", entryId: pending, .done))
        m.feed(.inputNeeded(threadId: "t1", .question(#"{"question":"approve?"}"#)))
        // The run said nothing before asking: no empty reply is left.
        #expect(m.entries.map(\.role) == [.user, .notice])
        #expect(m.entries.last?.text == #"{"question":"approve?"}"#)
        let screen = m.screen().joined(separator: "\n")
        #expect(screen.contains("the run waits for your answer: type it, Enter resumes"))
        #expect(screen.contains("Your answer (Enter resumes the run)"))
        // Asked again (the thread read back) adds nothing.
        m.feed(.inputNeeded(threadId: "t1", .question(#"{"question":"approve?"}"#)))
        #expect(m.entries.count == 2)
        m.type("yes")
        let effects = m.press(.enter)
        guard case .answer("t1", .text("yes"), _)? = effects.last else { Issue.record("\(effects)"); return }
        #expect(m.questions.isEmpty)
        #expect(m.entries.last?.role == .user && m.entries.last?.text == "yes")
        m.feed(.token(threadId: "t1", entryId: "m1", text: "you said: yes", node: "ask", step: 1))
        #expect(m.entries.last?.role == .assistant && m.entries.last?.text == "you said: yes")
    }
}
