import ChorusRuns
import ChorusStore
import ChorusTesting
import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

@Suite struct UpdateTests {
    @Test func enterSendsAndStartsAReplyInTheDraft() throws {
        var m = try makeModel()
        m.type("hi there")
        let effects = m.press(.enter)
        guard case .startReply(let key, _, let text, let entryId, let provider)? = effects.first else {
            Issue.record("no reply started: \(effects)")
            return
        }
        #expect(key == ThreadKey.draft && text == "hi there" && provider == "offline")
        #expect(m.editor.isEmpty)
        #expect(m.entries.map(\.role) == [.user, .assistant])
        #expect(m.replies[ThreadKey.draft]?.entryId == entryId)
    }

    @Test func ctrlJAndPasteAddLinesWithoutSending() throws {
        var m = try makeModel()
        m.type("a")
        let effects1 = m.press(.ctrl("j"))
        #expect(effects1.isEmpty)
        m.feed(.terminal(.paste("line 1\nline 2\n\u{1B}[2Jend")))
        #expect(m.editor.text == "a\nline 1\nline 2\nend")
        #expect(m.entries.isEmpty)
    }

    @Test func tokensAreSanitizedAndRoutedToTheirThread() throws {
        var m = try makeModel()
        m.type("question")
        m.press(.enter)
        let created = thread("t1", "question")
        m.feed(.threadCreated(created))
        #expect(m.current == "t1")
        // Switch away while the reply streams; tokens keep landing in t1.
        m.press(.ctrl("t"))
        #expect(m.current == ThreadKey.draft)
        m.feed(.token(threadId: "t1", entryId: "ai-1", text: "safe \u{1B}]52;c;ZXZpbA==\u{07}text\u{1B}[2J", node: "model", step: 1))
        #expect(m.entries.isEmpty)
        let reply = m.conversations["t1"]?.last
        #expect(reply?.id == "ai-1")
        #expect(reply?.text == "safe text")
        #expect(reply?.status == .streaming)
        m.feed(.replyEnded(thread: "t1", entryId: "ai-1", .done))
        #expect(m.conversations["t1"]?.last?.status == .done)
        #expect(m.replies.isEmpty)
    }

    @Test func aProviderRetryShowsInTheStatusBarUntilTheFirstToken() throws {
        var m = try makeModel(width: 100)
        m.feed(.threadsLoaded([thread("t1", "old")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "t1", []))
        m.type("go")
        m.press(.enter)
        m.feed(.retrying(threadId: "t1", ProviderRetry(attempt: 2, maxAttempts: 4, at: m.now.addingTimeInterval(2.2),
                                                      reason: "connection refused\u{1B}[2J")))
        #expect(m.screen().last?.contains("retrying in 3s (attempt 2 of 4)") == true)
        #expect(m.replies["t1"]?.retry?.reason == "connection refused")
        m.feed(.tick(m.now.addingTimeInterval(2)))
        #expect(m.screen().last?.contains("retrying in 1s (attempt 2 of 4)") == true)
        m.feed(.token(threadId: "t1", entryId: "ai-9", text: "hello", node: "model", step: 1))
        #expect(m.screen().last?.contains("retrying") == false)
        #expect(m.screen().last?.contains("model · step 1") == true)
    }

    @Test func theStatusBarShowsTheThreadsAndTheLastReplysTokensAndCost() throws {
        var m = try makeModel(width: 140)
        m.feed(.threadsLoaded([thread("t1", "old")]))
        m.press(.alt("1"))
        // Saved: a compaction's summary call and a reply, both priced.
        var compaction = TranscriptEntry(id: "c", role: .compaction, label: "⋯ compacted", text: "summary")
        (compaction.tokens, compaction.costUSD) = (300, 0.0003)
        var saved = TranscriptEntry(id: "a1", role: .assistant, label: "offline", text: "old answer")
        (saved.tokens, saved.costUSD) = (1_200, 0.0012)
        m.feed(.transcriptLoaded(threadId: "t1", [compaction, saved]))
        #expect(m.screen().last?.contains("│ thread 1.5k tok $0.0015 ") == true, "\(m.screen().last ?? "")")
        #expect(m.screen().last?.contains("ctx 1.2k tok") == true, "the fill is the last reply's, not the compaction's")
        m.type("go")
        m.press(.enter)
        m.feed(.token(threadId: "t1", entryId: "ai-2", text: "hi", node: "model", step: 1),
               .usageReported(threadId: "t1", RunUsage(node: "model", inputTokens: 1_500, outputTokens: 40, contextWindow: 8_192, costUSD: 0.0100)))
        #expect(m.screen().last?.contains("ctx 1.5k/8.2k (18%)") == true)
        #expect(m.screen().last?.contains("│ thread 3.0k tok $0.0115 ") == true, "\(m.screen().last ?? "")")
        m.feed(.replyEnded(thread: "t1", entryId: "ai-2", .done))
        #expect(m.screen().last?.contains("│ reply 1.5k tok $0.0100 · thread 3.0k tok $0.0115 ") == true, "\(m.screen().last ?? "")")
        // A call without a price leaves the thread's cost unknown, not understated.
        m.feed(.usageReported(threadId: "t1", RunUsage(node: "model", inputTokens: 10, outputTokens: 10)))
        #expect(m.screen().last?.contains("thread 3.1k tok ") == true && m.screen().last?.contains("$0.0115") == false)
    }

    @Test func escCancelsKeepingThePartialText() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("t1", "old")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "t1", []))
        m.type("go")
        m.press(.enter)
        m.feed(.token(threadId: "t1", entryId: "ai-9", text: "partial", node: "model", step: 1))
        let effects2 = m.press(.escape)
        #expect(effects2 == [.cancelReply("t1")])
        #expect(m.entries.last?.status == .cancelled)
        #expect(m.entries.last?.text == "partial")
        // The late end of the cancelled run changes nothing; a new message can be sent.
        m.feed(.replyEnded(thread: "t1", entryId: "ai-9", .cancelled))
        m.type("again")
        let effects3 = m.press(.enter)
        #expect(effects3.count == 1)
    }

    @Test func quitKeysAndHelp() throws {
        var m = try makeModel()
        m.type("x")
        let effects4 = m.press(.ctrl("d"))
        #expect(effects4.isEmpty)
        m.press(.backspace)
        m.type("?")
        #expect(m.overlay == .help(scroll: 0))
        m.press(.character("q"))
        #expect(m.overlay == nil)
        let effects5 = m.press(.ctrl("d"))
        #expect(effects5 == [.quit])
        #expect(m.quitting)
    }

    @Test func historyOnUpWhenTheInputIsEmpty() throws {
        var m = try makeModel()
        m.type("first")
        m.press(.enter)
        m.feed(.replyEnded(thread: ThreadKey.draft, entryId: m.replies[ThreadKey.draft]!.entryId, .done))
        m.press(.up)
        #expect(m.editor.text == "first")
        m.press(.down)
        #expect(m.editor.isEmpty)
    }

    @Test func theHistoryKeepsTheLastThousandMessages() throws {
        var m = try makeModel()
        for i in 0..<(AppModel.historyLimit + 5) {
            m.type("message \(i)")
            m.press(.enter)
            m.feed(.replyEnded(thread: m.current, entryId: m.replies[m.current]!.entryId, .done))
        }
        #expect(m.history.count == AppModel.historyLimit)
        #expect(m.history.first == "message 5")
        m.press(.up)
        #expect(m.editor.text == "message \(AppModel.historyLimit + 4)")
        for _ in 0..<(AppModel.historyLimit + 10) { m.press(.up) }
        #expect(m.editor.text == "message 5")
    }

    /// Found by the memory soak, which hung: a thread's transcript read at the switch answered after a
    /// message was sent and its reply had ended, and the read replaced the exchange on screen.
    @Test func aTranscriptReadBeforeAMessageWasSentKeepsTheMessage() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha"), thread("b", "Beta")]))
        #expect(m.press(.alt("2")) == [.loadTranscript(threadId: "b")])
        m.type("hello")
        m.press(.enter)
        #expect(m.replies[.thread("b")] != nil)
        m.feed(.token(threadId: "b", entryId: "ai-1", text: "hi there", node: "model", step: 1))
        let earlier = [TranscriptEntry(id: "old-1", role: .user, label: "You", text: "earlier"),
                       TranscriptEntry(id: "old-2", role: .assistant, label: "offline", text: "before")]
        // Read while the reply streams: the history goes first, the exchange stays.
        m.feed(.transcriptLoaded(threadId: "b", earlier))
        #expect(m.entries.map(\.text) == ["earlier", "before", "hello", "hi there"])
        m.feed(.replyEnded(thread: .thread("b"), entryId: "ai-1", .done))
        #expect(m.replies[.thread("b")] == nil)
        // Switched away and back: this read answers after the reply ended, from before the message.
        m.press(.alt("1"))
        #expect(m.press(.alt("2")) == [.loadTranscript(threadId: "b")])
        m.type("again")
        m.press(.enter)
        m.feed(.token(threadId: "b", entryId: "ai-2", text: "once more", node: "model", step: 1))
        m.feed(.replyEnded(thread: .thread("b"), entryId: "ai-2", .done))
        m.feed(.transcriptLoaded(threadId: "b", earlier))
        #expect(m.entries.map(\.text) == ["earlier", "before", "again", "once more"])
        // A read that already holds the exchange (saved under the same ids) shows it once.
        m.press(.alt("1"))
        m.press(.alt("2"))
        m.type("third")
        m.press(.enter)
        m.feed(.token(threadId: "b", entryId: "ai-3", text: "and done", node: "model", step: 1))
        m.feed(.replyEnded(thread: .thread("b"), entryId: "ai-3", .done))
        let userId = try #require(m.entries.first { $0.text == "third" }?.id)
        m.feed(.transcriptLoaded(threadId: "b", earlier + [TranscriptEntry(id: userId, role: .user, label: "You", text: "third"),
                                                           TranscriptEntry(id: "ai-3", role: .assistant, label: "offline", text: "and done")]))
        #expect(m.entries.map(\.text) == ["earlier", "before", "third", "and done"])
    }

    @Test func threadKeysSwitchAndLoadTranscripts() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha"), thread("b", "Beta"), thread("c", "Gamma")]))
        let effects6 = m.press(.ctrl("n"))
        #expect(effects6 == [.loadTranscript(threadId: "a")])
        let effects7 = m.press(.ctrl("n"))
        #expect(effects7 == [.loadTranscript(threadId: "b")])
        let effects8 = m.press(.ctrl("p"))
        #expect(effects8 == [.loadTranscript(threadId: "a")])
        let effects9 = m.press(.alt("3"))
        #expect(effects9 == [.loadTranscript(threadId: "c")])
        m.press(.ctrl("k"))
        m.type("bet")
        let effects10 = m.press(.enter)
        #expect(effects10 == [.loadTranscript(threadId: "b")])
    }

    @Test func deleteAsksFirst() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha"), thread("b", "Beta")]))
        m.press(.tab)
        #expect(m.focus == .threadList)
        m.press(.character("j"), .character("d"))
        #expect(m.overlay == .confirmDelete(threadId: "b"))
        let effects11 = m.press(.character("n"))
        #expect(effects11.isEmpty)
        #expect(m.threads.count == 2)
        m.press(.character("d"))
        let effects12 = m.press(.character("y"))
        #expect(effects12 == [.delete(threadId: "b")])
        #expect(m.threads.map(\.id) == ["a"])
    }

    @Test func reboundKeysReplaceTheDefaults() throws {
        var m = try makeModel(keys: ["new_thread": ["alt-n"], "quit": ["ctrl-x"]])
        m.feed(.threadsLoaded([thread("a", "Alpha")]))
        m.press(.alt("1"))
        m.press(.ctrl("t"))
        #expect(m.current == "a")
        m.press(.alt("n"))
        #expect(m.current == ThreadKey.draft)
        let effects13 = m.press(.ctrl("x"))
        #expect(effects13 == [.quit])
        #expect(throws: KeymapError.self) { try Keymap(overrides: ["fly": ["ctrl-z"]]) }
        #expect(throws: KeymapError.self) { try Keymap(overrides: ["quit": ["hyper-q"]]) }
    }

    @Test func regenerateAndEditLast() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "a", [
            TranscriptEntry(id: "u1", role: .user, label: "You", text: "question"),
            TranscriptEntry(id: "r1", role: .assistant, label: "offline", text: "answer"),
        ]))
        let effects = m.press(.ctrl("r"))
        guard case .regenerate("a", ["r1"], let entryId, "offline")? = effects.first else {
            Issue.record("\(effects)")
            return
        }
        #expect(m.entries.last?.status == .streaming)
        m.feed(.replyEnded(thread: "a", entryId: entryId, .done))
        let effects14 = m.press(.alt("e"))
        #expect(effects14 == [.removeMessages(threadId: "a", ids: ["u1", entryId])])
        #expect(m.editor.text == "question")
        #expect(m.entries.isEmpty)
    }

    @Test func onlyTheShownAndStreamingThreadsStayInMemory() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha"), thread("b", "Beta"), thread("c", "Gamma")]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: "a", [
            TranscriptEntry(id: "u1", role: .user, label: "You", text: "question"),
            TranscriptEntry(id: "r1", role: .assistant, label: "offline", text: "answer"),
        ]))
        let streaming = m.press(.ctrl("r"))
        #expect(!streaming.isEmpty)
        m.press(.alt("2"))
        m.feed(.transcriptLoaded(threadId: "b", [TranscriptEntry(id: "u2", role: .user, label: "You", text: "other")]))
        m.press(.alt("3"))
        // b is let go; a is still replying, so it stays.
        #expect(Set(m.conversations.keys) == ["a"])
        m.feed(.transcriptLoaded(threadId: "c", [TranscriptEntry(id: "u3", role: .user, label: "You", text: "third")]))
        let back = m.press(.alt("2"))
        #expect(back.contains(.loadTranscript(threadId: "b")))
        #expect(Set(m.conversations.keys) == ["a"])
    }

    @Test func modelPickerSetsTheThreadsProvider() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha")]))
        m.press(.alt("1"))
        m.press(.ctrl("o"))
        m.press(.down)
        let effects15 = m.press(.enter)
        #expect(effects15 == [.setProvider(threadId: "a", provider: "local")])
        #expect(m.currentProvider == "local")
    }
}
