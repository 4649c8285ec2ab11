import ChorusGraph
import ChorusTesting
import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// Tool calls in the chat, as `update` handles them: blocks in the
/// transcript, the status bar, and the approval keys.
@Suite struct ToolUpdateTests {
    /// A thread `t1` on screen with a reply streaming into `pending`.
    static func replying() throws -> AppModel {
        var m = try makeModel(width: 110, height: 20)
        m.feed(.threadsLoaded([thread("t1", "tools")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "t1", []))
        m.type("add 2 and 3")
        m.press(.enter)
        return m
    }

    @Test func aToolCallIsABlockBetweenTheModelsWordsAndItsAnswer() throws {
        var m = try Self.replying()
        m.feed(.token(threadId: "t1", entryId: "ai-1", text: "Let me add.", node: "agent", step: 1))
        m.feed(.toolStarted(threadId: "t1", callId: "c1", name: "add\u{1B}[2J", arguments: ["a": 2, "b": 3]))
        #expect(m.screen().joined(separator: "\n").contains("⚙ add…"))
        m.feed(.toolEnded(threadId: "t1", callId: "c1", output: "5\u{1B}]52;c;ZXZpbA==\u{07}\nsecond line", seconds: 0.012))
        m.feed(.token(threadId: "t1", entryId: "ai-2", text: "It is 5.", node: "agent", step: 3))
        m.feed(.replyEnded(thread: "t1", entryId: "ai-2", .done))
        #expect(m.entries.map(\.role) == [.user, .assistant, .tool, .assistant])
        #expect(m.entries[1].text == "Let me add." && m.entries[1].status == .done)
        #expect(m.entries[2].label == "⚙ add · 12 ms")
        #expect(m.entries[2].text == "{\"a\":2,\"b\":3}\n5\nsecond line")
        #expect(m.entries[3].text == "It is 5." && m.entries[3].status == .done)
        #expect(m.replies.isEmpty)
        let collapsed = m.screen().joined(separator: "\n")
        #expect(collapsed.contains("{\"a\":2,\"b\":3} → 5"))
        #expect(!collapsed.contains("second line"))
        m.press(.ctrl("g"))
        #expect(m.screen().joined(separator: "\n").contains("second line"))
    }

    @Test func aPendingApprovalIsAskedInTheStatusBarAndAnsweredWithAKey() throws {
        var m = try Self.replying()
        m.feed(.toolStarted(threadId: "t1", callId: "c1", name: "echo", arguments: ["text": "x"]))
        m.feed(.toolEnded(threadId: "t1", callId: "c1", output: "x", seconds: 1.5))
        m.feed(.replyEnded(thread: "t1", entryId: "ai-1", .done))
        #expect(m.replies.isEmpty)
        #expect(m.entries.map(\.role) == [.user, .tool])
        m.feed(.inputNeeded(threadId: "t1", .approval(PendingApproval(tool: "write_note", arguments: "{\"text\":\"milk\"}"))))
        #expect(m.screen().last?.contains("write_note {\"text\":\"milk\"} can change things: y allow · n deny · a always") == true)
        // Typing a message is still typing: only a lone key on empty input answers.
        m.type("q")
        #expect(m.approvals["t1"] != nil)
        m.press(.backspace)
        let effects = m.press(.character("a"))
        guard case .answer(let id, .approval(let answer), _)? = effects.first else {
            Issue.record("no answer: \(effects)")
            return
        }
        #expect(id == "t1" && answer == .always)
        #expect(m.approvals.isEmpty)
        #expect(m.entries.last?.text == "allowed for this thread")
        #expect(m.replies["t1"] != nil)
        m.feed(.token(threadId: "t1", entryId: "ai-2", text: "noted", node: "agent", step: 5))
        #expect(m.entries.last?.role == .assistant && m.entries.last?.text == "noted")
    }

    @Test func slashToolsAsksForTheListAndShowsIt() throws {
        var m = try makeModel()
        m.type("/tools")
        #expect(m.press(.enter) == [.listTools])
        m.feed(.toolsListed(["time: get_current_time, convert_time", "MCP server 'git': did not start\u{1B}[2J"]))
        #expect(m.entries.last?.role == .notice)
        #expect(m.entries.last?.text == "time: get_current_time, convert_time\nMCP server 'git': did not start")
    }
}

@Suite struct ToolOverlayTests {
    @Test func altOListsTheToolsAndSpaceTurnsOneOff() throws {
        var m = try makeModel(width: 90, height: 20)
        #expect(m.press(.alt("o")) == [.loadTools])
        m.feed(.toolsLoaded([ToolRow(server: "test", name: "echo", asks: false, enabled: true),
                             ToolRow(server: "test", name: "write_note", asks: true, enabled: true)]))
        let screen = m.screen().joined(separator: "\n")
        #expect(screen.contains("[x] test · echo"))
        #expect(screen.contains("[x] test · write_note  (asks)"))
        m.press(.down)
        #expect(m.press(.character(" ")) == [.setToolEnabled(name: "write_note", enabled: false)])
        #expect(m.screen().joined(separator: "\n").contains("[ ] test · write_note"))
        m.press(.escape)
        #expect(m.overlay == nil)
    }
}
