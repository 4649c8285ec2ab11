import Testing
@testable import ChorusTUI

@Suite struct CellWidthTests {
    @Test(arguments: [("a", 1), ("漢", 2), ("😀", 2), ("e\u{301}", 1), ("👩‍💻", 2), ("ｱ", 1), ("Ａ", 2), ("\u{200B}", 0), ("✔️", 2), ("한", 2)])
    func widths(text: String, width: Int) {
        #expect(CellWidth.of(Character(text)) == width)
    }

    @Test func stringWidthAddsGraphemes() {
        #expect(CellWidth.of("ab漢字😀") == 8)
    }
}

@Suite struct BufferTests {
    @Test func wideGraphemeTakesTwoCellsAndIsNotSplitAtTheEdge() {
        var buffer = Buffer(width: 5, height: 1)
        let end = buffer.write("ab漢字", x: 0, y: 0, style: .plain)
        #expect(end == 5)
        #expect(buffer.lines == ["ab漢 "])
        #expect(buffer[3, 0].isContinuation)
    }

    @Test func overwritingHalfAWideGraphemeBlanksTheOtherHalf() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.write("漢字", x: 0, y: 0, style: .plain)
        buffer.write("x", x: 1, y: 0, style: .plain)
        #expect(buffer.lines == [" x字"])
    }

    @Test func combiningMarksJoinThePreviousCell() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.write("e\u{301}x", x: 0, y: 0, style: .plain)
        #expect(buffer[0, 0].symbol == "e\u{301}")
        #expect(buffer[1, 0].symbol == "x")
    }

    @Test func writesAreClippedToTheLimit() {
        var buffer = Buffer(width: 10, height: 2)
        buffer.write("hello world", x: 2, y: 1, style: .plain, limit: 7)
        #expect(buffer.text(row: 1) == "  hello")
        #expect(buffer.text(row: 0) == "")
    }
}

@Suite struct BufferDiffTests {
    @Test func identicalFramesDrawNothing() {
        var a = Buffer(width: 8, height: 2)
        a.write("same", x: 0, y: 0, style: .plain)
        #expect(BufferDiff(from: a, to: a).runs.isEmpty)
    }

    @Test func onlyChangedCellsAreDrawnInRunsOfOneStyle() {
        var a = Buffer(width: 10, height: 2)
        a.write("abcdefghij", x: 0, y: 0, style: .plain)
        var b = a
        let bold = Style(attributes: .bold)
        b.write("XY", x: 3, y: 0, style: .plain)
        b.write("Z", x: 5, y: 0, style: bold)
        b.write("q", x: 9, y: 1, style: .plain)
        let diff = BufferDiff(from: a, to: b)
        #expect(!diff.isFull)
        #expect(diff.runs == [
            .init(x: 3, y: 0, style: .plain, text: "XY"),
            .init(x: 5, y: 0, style: bold, text: "Z"),
            .init(x: 9, y: 1, style: .plain, text: "q"),
        ])
        #expect(diff.cellCount == 4)
    }

    @Test func aNewSizeRedrawsEverything() {
        let a = Buffer(width: 3, height: 1)
        let b = Buffer(width: 4, height: 1)
        let diff = BufferDiff(from: a, to: b)
        #expect(diff.isFull)
        #expect(diff.cellCount == 4)
    }

    @Test func aWideGraphemeIsRedrawnWhole() {
        var a = Buffer(width: 4, height: 1)
        a.write("ab", x: 0, y: 0, style: .plain)
        var b = a
        b.write("漢", x: 0, y: 0, style: .plain)
        #expect(BufferDiff(from: a, to: b).runs == [.init(x: 0, y: 0, style: .plain, text: "漢")])
    }
}

@Suite struct TranscriptViewTests {
    let entries = (0..<40).map { TranscriptEntry(id: "e\($0)", role: .user, label: "L\($0)", text: "text \($0)") }

    @Test func followsTheEndAndScrollsToTheTop() {
        var view = TranscriptView()
        var buffer = Buffer(width: 20, height: 6)
        view.render(entries, into: &buffer, area: buffer.area, theme: .fallback)
        #expect(buffer.text(row: 3) == "L39")
        view.scrollFromBottom = Int.max / 2
        let window = view.render(entries, into: &buffer, area: buffer.area, theme: .fallback)
        #expect(buffer.text(row: 0) == "L0")
        #expect(window.linesAbove == 0)
        // Drawing left the scroll as it was; settling brings it into range, so one page down moves.
        #expect(view.scrollFromBottom == Int.max / 2)
        view.settle(entries, selected: nil, width: 20, height: 6, theme: .fallback)
        #expect(view.scrollFromBottom == window.scrollFromBottom && window.scrollFromBottom == 40 * 3 - 6)
        view.scroll(by: -6)
        view.render(entries, into: &buffer, area: buffer.area, theme: .fallback)
        #expect(buffer.text(row: 0) == "L2")
    }

    @Test func theSelectedEntryIsScrolledIntoViewAndHighlighted() throws {
        var view = TranscriptView()
        var buffer = Buffer(width: 20, height: 6)
        let window = view.render(entries, selected: "e5", into: &buffer, area: buffer.area, theme: .fallback)
        let row = try #require((0..<6).first { buffer.text(row: $0) == "L5" })
        #expect(buffer[0, row].style.attributes.contains(.reverse))
        #expect(view.scrollFromBottom == 0)
        #expect(window.scrollFromBottom > 0)
        view.settle(entries, selected: "e5", width: 20, height: 6, theme: .fallback)
        #expect(view.scrollFromBottom == window.scrollFromBottom)
    }
}
