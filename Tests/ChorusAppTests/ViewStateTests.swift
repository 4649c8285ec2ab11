import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// The view is a function of the model: drawing never moves a scroll or a
/// selection, and update keeps the scroll positions the view reads in range.
@Suite struct ViewStateTests {
    static func longChat() throws -> AppModel {
        var m = try makeModel(width: 60, height: 16)
        m.conversations[m.current] = (0..<30).map { TranscriptEntry(id: "e\($0)", role: .user, label: "L\($0)", text: "text \($0)") }
        return m
    }

    @Test func scrollingToTheTopStopsThereSoOnePageDownMoves() throws {
        var m = try Self.longChat()
        m.press(.ctrlUp)
        #expect(m.transcript.scrollFromBottom < 100)  // settled by update, not left at "infinity" for the view to clamp
        let top = m.screen()
        #expect(top.contains { $0.contains("L0") })
        m.press(.pageDown)
        #expect(m.screen() != top)
    }

    @Test func copyModeScrollsToItsSelectionInUpdateAndDrawingChangesNothing() throws {
        var m = try Self.longChat()
        m.press(.ctrl("y"))
        #expect(m.transcript.scrollFromBottom == 0)
        for _ in 0..<20 { m.press(.up) }
        guard case .copy(9)? = m.overlay else { Issue.record("not in copy mode on entry 9: \(String(describing: m.overlay))"); return }
        let scroll = m.transcript.scrollFromBottom
        #expect(scroll > 0)
        let first = m.screen()
        #expect(first.contains { $0.hasSuffix("text 9") || $0.contains("text 9 ") }, "\(first.joined(separator: "\n"))")
        #expect(m.screen() == first)
        #expect(m.transcript.scrollFromBottom == scroll)
    }
}
