import ChorusStore
import ChorusTesting
import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// Whole screens compared with text files in Golden/ (CHORUS_UPDATE_GOLDENS=1 refreshes them).
@Suite struct ScreenTests {
    @Test func welcome() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha plan"), thread("b", "漢字 thread \u{1B}[31mred")]))
        #expect(Golden.mismatch(m.screen(), named: "welcome") == nil)
    }

    @Test func streamingReplyWithMarkdown() throws {
        var m = try makeModel()
        m.type("Explain **supersteps**")
        m.press(.enter)
        m.feed(.threadCreated(thread("t1", "Explain supersteps")))
        for token in ["# Supersteps\n", "Nodes run in *parallel*; ", "writes apply `after`.\n\n", "- one\n", "- two 漢字"] {
            m.feed(.token(threadId: "t1", entryId: "ai-1", text: token, node: "model", step: 1))
        }
        m.now = m.now.addingTimeInterval(1.5)
        #expect(Golden.mismatch(m.screen(), named: "streaming") == nil)
    }

    @Test func cancelledReplyAndHelp() throws {
        var m = try makeModel(width: 70, height: 20)
        m.type("stop me")
        m.press(.enter)
        m.feed(.threadCreated(thread("t1", "stop me")), .token(threadId: "t1", entryId: "ai-1", text: "Half an ans", node: "model", step: 1))
        m.press(.escape)
        #expect(Golden.mismatch(m.screen(), named: "cancelled") == nil)
        m.press(.function(1))
        #expect(Golden.mismatch(m.screen(), named: "help") == nil)
    }

    @Test func quickSwitcherFilters() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Parallel research"), thread("b", "Pasta"), thread("c", "Project plan")]))
        m.press(.ctrl("k"))
        m.type("pp")
        #expect(Golden.mismatch(m.screen(), named: "switcher") == nil)
    }

    @Test func narrowTerminalHidesTheThreadList() throws {
        var m = try makeModel(width: 40, height: 8)
        m.feed(.threadsLoaded([thread("a", "Alpha")]))
        m.type("typed")
        #expect(Golden.mismatch(m.screen(), named: "narrow") == nil)
    }
}
