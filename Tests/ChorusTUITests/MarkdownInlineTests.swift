import Testing
@testable import ChorusTUI

/// Inline Markdown scans runs of plain text in one piece; its spans must be
/// those of the character-by-character scan it replaced, kept here as the oracle.
@Suite struct MarkdownInlineTests {
    static func characterByCharacter(_ text: Substring, base: Style, theme: Theme) -> [Span] {
        var spans: [Span] = []
        var plain = ""
        var i = text.startIndex
        func flush() {
            if !plain.isEmpty { spans.append(Span(plain, style: base)) }
            plain = ""
        }
        while i < text.endIndex {
            let ch = text[i]
            let rest = text[i...]
            if ch == "`", let close = rest.dropFirst().firstIndex(of: "`") {
                flush()
                spans.append(Span(String(text[text.index(after: i)..<close]), style: base.patched(with: theme[.code])))
                i = text.index(after: close)
                continue
            }
            if rest.hasPrefix("**") || rest.hasPrefix("__"), let close = rest.dropFirst(2).range(of: String(rest.prefix(2))) {
                let inner = text[text.index(i, offsetBy: 2)..<close.lowerBound]
                if !inner.isEmpty {
                    flush()
                    spans.append(Span(String(inner), style: base.patched(with: theme[.strong])))
                    i = close.upperBound
                    continue
                }
            }
            if ch == "*" || ch == "_", let next = rest.dropFirst().first, next != " ",
               let close = rest.dropFirst().firstIndex(of: ch), close > text.index(after: i),
               ch == "*" || (i == text.startIndex || !text[text.index(before: i)].isLetter) {
                flush()
                spans.append(Span(String(text[text.index(after: i)..<close]), style: base.patched(with: theme[.emphasis])))
                i = text.index(after: close)
                continue
            }
            if ch == "[", let closeBracket = rest.firstIndex(of: "]"), text.index(after: closeBracket) < text.endIndex,
               text[text.index(after: closeBracket)] == "(", let closeParen = text[closeBracket...].firstIndex(of: ")") {
                flush()
                let label = text[text.index(after: i)..<closeBracket]
                let url = text[text.index(closeBracket, offsetBy: 2)..<closeParen]
                spans.append(Span(String(label), style: base.patched(with: theme[.link])))
                if !url.isEmpty, url != label { spans.append(Span(" (\(url))", style: base.patched(with: theme[.dim]))) }
                i = text.index(after: closeParen)
                continue
            }
            plain.append(ch)
            i = text.index(after: i)
        }
        flush()
        return spans
    }

    @Test func spansAreThoseOfTheCharacterScan() {
        let theme = Theme.fallback
        let renderer = MarkdownRenderer(theme: theme, width: 40)
        // Letters, spaces, every opener and closer, and characters whose first byte or grapheme is unusual.
        let alphabet: [String] = ["a", "b", " ", "`", "*", "_", "[", "]", "(", ")", "é", "e\u{301}", "*\u{301}", "界", "🙂", "x"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let expected = Self.characterByCharacter(text[...], base: .plain, theme: theme)
            #expect(renderer.inline(text[...], base: .plain) == expected, "\(text.debugDescription)")
        }
        #expect(renderer.inline("plain words then **bold** and `code`"[...], base: .plain).map(\.text) == ["plain words then ", "bold", " and ", "code"])
    }
}
