import Testing
@testable import ChorusTUI

@Suite struct WordWrapTests {
    @Test func breaksAtSpaces() {
        #expect(WordWrap.wrap("the quick brown fox jumps", width: 10).map(\.text) == ["the quick", "brown fox", "jumps"])
    }

    @Test func splitsWordsLongerThanALine() {
        #expect(WordWrap.wrap("abcdefghij kl", width: 4).map(\.text) == ["abcd", "efgh", "ij", "kl"])
    }

    @Test func neverSplitsAWideGrapheme() {
        let lines = WordWrap.wrap("漢字漢字漢字", width: 5)
        #expect(lines.map(\.text) == ["漢字", "漢字", "漢字"])
        #expect(lines.allSatisfy { $0.width <= 5 })
    }

    @Test func continuationLinesGetTheIndent() {
        let lines = WordWrap.wrap([Span("one two three")], width: 9, firstPrefix: [Span("• ")], indent: [Span("  ")])
        #expect(lines.map(\.text) == ["• one two", "  three"])
    }

    // Found by fuzzing (Fuzz/chorus-fuzz, target wrap): a wide grapheme at width 1 made a 2-column line.
    @Test func aWideGraphemeOnAOneColumnLineBecomesASpace() {
        let lines = WordWrap.wrap("漢a", width: 1)
        #expect(lines.map(\.text) == [" ", "a"])
        #expect(lines.allSatisfy { $0.width <= 1 })
    }

    // Found by fuzzing (target markdown): a prefix as wide as the line was kept and the text not wrapped.
    @Test func prefixesThatLeaveNoRoomAreDropped() {
        let lines = WordWrap.wrap([Span("item one")], width: 2, firstPrefix: [Span("• ")], indent: [Span("  ")])
        #expect(lines.map(\.text) == ["it", "em", "on", "e"])
    }
}

@Suite struct MarkdownTests {
    let theme = Theme(name: "t", styles: [.heading: Style(attributes: .bold), .code: Style(foreground: .indexed(1)),
                                          .codeBlock: Style(background: .indexed(236)), .strong: Style(attributes: .bold)])

    @Test func blocksRenderReadably() {
        let text = """
        # Title
        Some **bold** and `code`.

        - first item that wraps around
        - second
        1. numbered

        ```swift
        let x = 1
        ```
        > quoted
        """
        let lines = MarkdownRenderer(theme: theme, width: 20).render(text).map(\.text)
        #expect(lines == [
            "Title", "Some bold and code.", "",
            "• first item that", "  wraps around", "• second", "1. numbered", "",
            "  swift", "  let x = 1", "  " + String(repeating: "─", count: 18), "│ quoted",
        ])
    }

    @Test func inlineStylesAndCodeBlockStyle() {
        let renderer = MarkdownRenderer(theme: theme, width: 40)
        let line = renderer.render("a **b** `c`")[0]
        #expect(line.spans.first { $0.text == "b" }?.style.attributes.contains(.bold) == true)
        #expect(line.spans.first { $0.text == "c" }?.style.foreground == .indexed(1))
        let code = renderer.render("```\nx  y\n```")[1]
        #expect(code.text == "  x  y")
        #expect(code.spans.last?.style.background == .indexed(236))
    }

    @Test func tablesAlignWhenTheyFitAndDegradeWhenTheyDoNot() {
        let table = "| name | n |\n|---|---|\n| alpha | 1 |\n| b | 22 |"
        #expect(MarkdownRenderer(theme: theme, width: 40).render(table).map(\.text) == [
            "name  │ n ", "──────┼───", "alpha │ 1 ", "b     │ 22",
        ])
        let narrow = MarkdownRenderer(theme: theme, width: 8).render(table).map(\.text)
        #expect(narrow.contains("name:"))
        #expect(narrow.contains { $0.contains("alpha") })
    }

    // Found by fuzzing (target markdown): list markers, quote bars, code margins and
    // fence lines were wider than the narrowest widths.
    @Test(arguments: 1...6) func noLineIsWiderThanTheWidth(width: Int) {
        let text = "- item one\n> quoted\n    indented text\n```swift\nlet 漢 = 1\n```\n| a | b |\n|---|---|\n| 漢字 | 🌈 |"
        let lines = MarkdownRenderer(theme: theme, width: width).render(text)
        #expect(lines.allSatisfy { $0.width <= width }, "\(lines.map(\.text))")
        #expect(lines.map(\.text).joined().filter { $0 != " " }.contains("itemone"))
    }

    @Test func streamedTextRendersTheSameAsWholeText() {
        let document = """
        # Plan
        First paragraph with *emphasis* and a [link](http://x.y).

        ```
        code line one

        code line two after a blank line
        ```

        - a list
        - with items

        | a | b |
        |---|---|
        | 1 | 2 |

        Last paragraph.
        """
        let renderer = MarkdownRenderer(theme: theme, width: 24)
        var incremental = IncrementalMarkdown(renderer: renderer)
        var text = ""
        for token in document.split(separator: " ", omittingEmptySubsequences: false).enumerated().map({ $0.offset == 0 ? String($0.element) : " " + $0.element }) {
            text += token
            #expect(incremental.lines(for: text, renderer: renderer) == renderer.render(text), "after \(text.count) characters")
        }
    }
}

@Suite struct TextEditorTests {
    @Test("a grapheme cluster typed one scalar at a time becomes one character, as when pasted",
          arguments: ["👨\u{200D}👩\u{200D}👧", "🇫🇷", "e\u{301}", "👍🏽", "❤\u{FE0F}"])
    func clustersTypedKeyByKey(_ cluster: String) {
        var typed = TextEditor(text: "x "), pasted = TextEditor(text: "x ")
        for scalar in cluster.unicodeScalars { typed.insert(String(scalar)) }
        pasted.insert(cluster)
        #expect(typed == pasted)
        #expect(typed.characters == ["x", " ", Character(cluster)])
        #expect(typed.cursor == 3)
        typed.insert("!")
        #expect(typed.text == "x " + cluster + "!")
        typed.left()
        typed.left()
        typed.insert("a")
        #expect(typed.text == "x a" + cluster + "!", "typing before a cluster leaves it whole")
        #expect(typed.cursor == 3)
    }

    @Test func editsAndMovesByWord() {
        var editor = TextEditor()
        editor.insert("hello brave world")
        editor.wordLeft()
        editor.wordLeft()
        editor.insert("new ")
        #expect(editor.text == "hello new brave world")
        editor.wordRight()
        editor.deleteWordBackward()
        #expect(editor.text == "hello new  world")
    }

    @Test func linesMoveKeepingTheColumn() {
        var editor = TextEditor(text: "abc\nde\nfghij")
        let up1 = editor.lineUp()
        #expect(up1)
        let up2 = editor.lineUp()
        #expect(up2)
        editor.insert("X")
        #expect(editor.text == "abXc\nde\nfghij")
        let up3 = editor.lineUp()
        #expect(!up3)
        let down1 = editor.lineDown()
        #expect(down1)
        editor.insert("Y")
        #expect(editor.text == "abXc\ndeY\nfghij")
    }

    @Test func cursorLandsAfterWideCharactersWhenWrapped() {
        let editor = TextEditor(text: "漢字漢字x")
        var buffer = Buffer(width: 5, height: 3)
        editor.render(into: &buffer, area: buffer.area, style: .plain)
        #expect(buffer.lines == ["漢字 ", "漢字x", "     "])
        #expect(buffer.cursor?.x == 0 && buffer.cursor?.y == 2)
    }

    @Test func drawingShowsTheCaretAndOnlyRevealKeepsTheScroll() throws {
        var editor = TextEditor(text: "1\n2\n3\n4\n5")
        var buffer = Buffer(width: 4, height: 2)
        let before = editor
        editor.render(into: &buffer, area: buffer.area, style: .plain)
        #expect(buffer.lines == ["4   ", "5   "])   // the caret's row is shown
        #expect(editor == before)                  // and nothing was written back
        editor.reveal(width: 4, height: 2)
        for _ in 0..<2 { _ = editor.lineUp() }     // caret on "3": one row up from the box
        editor.render(into: &buffer, area: buffer.area, style: .plain)
        #expect(buffer.lines == ["3   ", "4   "])
        editor.reveal(width: 4, height: 2)
        _ = editor.lineDown()                      // back to "4": inside the box, which stays
        editor.render(into: &buffer, area: buffer.area, style: .plain)
        #expect(buffer.lines == ["3   ", "4   "])
        #expect(try #require(buffer.cursor).y == 1)
    }
}

@Suite struct FuzzyMatchTests {
    @Test func matchesAtWordStartsRankFirst() {
        let titles = ["Parallel research notes", "pasta recipe", "Project plan", "unrelated"]
        let ranked = FuzzyMatch.rank("pr", titles)
        #expect(ranked == [1, 2, 0])
        #expect(FuzzyMatch.score("xyz", in: "Project plan") == nil)
    }
}

@Suite struct ColorTests {
    @Test func parsesAndMapsToSmallerPalettes() {
        #expect(Color(parsing: "#ff0000") == .rgb(255, 0, 0))
        #expect(Color(parsing: "bright-blue") == .indexed(12))
        #expect(Color(parsing: "nope") == nil)
        #expect(Color.rgb(255, 0, 0).nearestIndex(in: 256) == 196)
        #expect(Color.rgb(255, 0, 0).nearestIndex(in: 16) == 9)
        #expect(Color.rgb(200, 0, 0).nearestIndex(in: 8) == 1)
        #expect(Color.rgb(128, 128, 128).nearestIndex(in: 256) == 244)
    }
}
