import ChorusStore
import ChorusTUI
import Glibc
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// The unsent input belongs to its thread and is saved; a stop signal quits
/// like Ctrl-Q, keeping the input and cancelling what streams.
@Suite struct DraftAndStopTests {
    @Test func theInputStaysWithItsThread() throws {
        var m = try makeModel()
        m.feed(.threadsLoaded([thread("a", "Alpha"), thread("b", "Beta")]))
        m.press(.alt("1"))
        m.type("half a thought")
        let leaving = m.press(.alt("2"))
        #expect(leaving.first == .saveDraft("a", text: "half a thought"))
        #expect(m.editor.isEmpty, "thread b has no draft")
        let back = m.press(.alt("1"))
        #expect(!back.contains { if case .saveDraft = $0 { true } else { false } }, "b's empty input was never saved")
        #expect(m.editor.text == "half a thought")
        // Sending clears the saved draft too.
        let sent = m.press(.enter)
        #expect(sent.first == .saveDraft("a", text: ""))
        #expect(m.drafts["a"] == nil)
    }

    @Test func savedDraftsComeBackOnStart() throws {
        var m = try makeModel()
        m.feed(.draftsLoaded([.draft: "new thread text", "a": "alpha text"]))
        #expect(m.editor.text == "new thread text")
        m.feed(.threadsLoaded([thread("a", "Alpha")]))
        let effects = m.press(.alt("1"))
        #expect(!effects.contains(.saveDraft(.draft, text: "new thread text")), "unchanged input is not saved again")
        #expect(m.editor.text == "alpha text")
    }

    @Test func aStopSignalQuitsKeepingTheInput() throws {
        var m = try makeModel()
        m.type("question")
        m.press(.enter)
        m.type("typed while it streams")
        let effects = m.feed(.terminal(.stop(signal: SIGTERM)))
        #expect(effects == [.saveDraft(ThreadKey.draft, text: "typed while it streams"), .quit])
        #expect(m.quitting)
        #expect(m.stoppedBy == SIGTERM)
        #expect(m.replies[ThreadKey.draft] != nil, "the runtime cancels the reply and saves it as it shuts down")
    }
}
