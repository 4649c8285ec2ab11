import ChorusTesting
import ChorusTUI
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// The help box (F1) fits the terminal at any width from 40 columns: its
/// text wraps, and what does not fit in height scrolls.
@Suite struct HelpOverlayTests {
    /// Every row of the help box, scrolling down until the last line shows.
    func allHelpText(width: Int, height: Int) throws -> (first: [String], all: String, pages: Int) {
        var m = try makeModel(width: width, height: height)
        m.press(.function(1))
        let first = m.screen()
        var all = first.joined(separator: "\n")
        var pages = 1
        while !all.contains("/ filter"), pages < 20 {
            m.press(.pageDown)
            all += "\n" + m.screen().joined(separator: "\n")
            pages += 1
        }
        return (first, all, pages)
    }

    @Test(arguments: [(40, 24), (80, 24), (200, 50)])
    func everyKeyAndTheThreadListLineCanBeRead(width: Int, height: Int) throws {
        let (first, all, _) = try allHelpText(width: width, height: height)
        #expect(Golden.mismatch(first, named: "help-\(width)") == nil)
        // The box's right border is on screen: nothing is cut at the edge.
        let top = try #require(first.first { $0.contains("Keys") })
        #expect(top.contains("┐"))
        #expect(first.allSatisfy { $0.count <= width })
        for summary in ["send the message", "regenerate the last reply", "open thread N of the list"] {
            #expect(summary.split(separator: " ").allSatisfy { all.contains($0) }, "\(summary) at \(width) columns")
        }
        for words in ["r rename", "d delete", "archive", "/ filter"] { #expect(all.contains(words), "\(words) at \(width) columns") }
    }

    @Test func aWideTerminalShowsEverythingWithoutScrolling() throws {
        let (first, _, pages) = try allHelpText(width: 200, height: 50)
        #expect(pages == 1)
        #expect(first.joined().contains("any key closes"))
    }

    @Test func aSmallTerminalScrollsAndOtherKeysClose() throws {
        var m = try makeModel(width: 40, height: 16)
        m.press(.function(1))
        #expect(m.screen().joined().contains("↑↓ · Esc closes"), "the title says it scrolls")
        m.press(.down)
        #expect(m.overlay == .help(scroll: 1))
        m.press(.up, .up)
        #expect(m.overlay == .help(scroll: 0))
        for _ in 0..<50 { m.press(.down) }
        #expect(m.overlay == .help(scroll: HelpOverlay.maxScroll(m)))
        #expect(m.screen().joined().contains("/ filter"), "the end is reachable")
        m.press(.character("x"))
        #expect(m.overlay == nil)
    }
}
