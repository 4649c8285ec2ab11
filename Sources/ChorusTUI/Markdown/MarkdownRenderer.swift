import Foundation

/// Renders the Markdown that chat models write into styled, wrapped lines:
/// headings, emphasis, inline code, lists, quotes, rules, fenced code
/// blocks in their own style, and tables degraded to aligned text.
public struct MarkdownRenderer: Sendable {
    public var theme: Theme
    public var width: Int

    public init(theme: Theme, width: Int) {
        self.theme = theme
        self.width = max(1, width)
    }

    /// Lines for `text`.
    public func render(_ text: some StringProtocol) -> [StyledLine] {
        let text = Substring(text)
        var out: [StyledLine] = []
        var fence: Substring?
        var table: [[String]] = []

        func flushTable() {
            guard !table.isEmpty else { return }
            out += renderTable(table)
            table = []
        }

        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) && trimmed.allSatisfy({ $0 == open.first }) {
                    fence = nil
                    let margin = min(2, width)
                    out.append(StyledLine(String(repeating: " ", count: margin) + String(repeating: "─", count: min(width - margin, 20)),
                                          style: theme[.rule]))
                } else {
                    out += codeLines(String(line))
                }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flushTable()
                let marker = trimmed.prefix { $0 == trimmed.first }
                fence = marker
                let language = trimmed.dropFirst(marker.count).trimmingSpaces
                let margin = [Span("  ", style: theme[.rule])]
                out += WordWrap.wrap([Span(language.isEmpty ? "code" : String(language), style: theme[.rule])], width: width,
                                     firstPrefix: margin, indent: margin)
                continue
            }
            if trimmed.hasPrefix("|") {
                table.append(tableCells(trimmed))
                continue
            }
            flushTable()
            out += renderBlockLine(trimmed, indent: line.count - trimmed.count)
        }
        flushTable()
        return out
    }

    private func renderBlockLine(_ line: Substring, indent: Int) -> [StyledLine] {
        if line.isEmpty { return [StyledLine()] }
        if let level = headingLevel(line) {
            let content = line.dropFirst(level).trimmingSpaces
            let style = theme[.heading]
            return WordWrap.wrap(inline(content, base: style), width: width)
        }
        if line.count >= 3, line.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" }), Set(line).count == 1 {
            return [StyledLine(String(repeating: "─", count: width), style: theme[.rule])]
        }
        if line.hasPrefix(">") {
            let content = line.dropFirst().trimmingSpaces
            let bar = [Span("│ ", style: theme[.quote])]
            return WordWrap.wrap(inline(content, base: theme[.quote]), width: width, firstPrefix: bar, indent: bar)
        }
        let pad = String(repeating: " ", count: min(indent, 8))
        if let (marker, rest) = listItem(line) {
            let first = [Span(pad + marker, style: theme[.dim])]
            let hang = [Span(String(repeating: " ", count: CellWidth.of(pad + marker)))]
            return WordWrap.wrap(inline(rest, base: theme[.text]), width: width, firstPrefix: first, indent: hang)
        }
        let lead = indent > 0 ? [Span(pad)] : []
        return WordWrap.wrap(inline(line, base: theme[.text]), width: width, firstPrefix: lead, indent: lead)
    }

    private func headingLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private func listItem(_ line: Substring) -> (String, Substring)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return ("• ", line.dropFirst(2))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3 {
            let after = line.dropFirst(digits.count)
            if let dot = after.first, dot == "." || dot == ")", after.dropFirst().first == " " {
                return ("\(digits). ", after.dropFirst(2))
            }
        }
        return nil
    }

    private func codeLines(_ line: String) -> [StyledLine] {
        let style = theme[.codeBlock]
        // A two-column margin, narrower on the narrowest screens so code keeps a column.
        let margin = min(2, width - 1)
        let bar = [Span(String(repeating: " ", count: margin), style: style)]
        let expanded = line.replacingTabs
        if expanded.isEmpty { return [StyledLine(bar)] }
        // Code keeps its spaces: hard-wrapped by grapheme, never at words; a
        // wide grapheme on a one-column line becomes a space, as `Buffer.write` draws it.
        var lines: [StyledLine] = []
        var current = ""
        var used = 0
        let limit = width - margin
        for ch in expanded {
            let fits = CellWidth.of(ch) <= limit
            let w = fits ? CellWidth.of(ch) : 1
            if used + w > limit {
                lines.append(StyledLine(bar + [Span(current, style: style)]))
                current = ""
                used = 0
            }
            current.append(fits ? ch : " ")
            used += w
        }
        lines.append(StyledLine(bar + [Span(current, style: style)]))
        return lines
    }

    private func tableCells(_ line: Substring) -> [String] {
        var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
        if cells.first == "" { cells.removeFirst() }
        if cells.last == "" { cells.removeLast() }
        return cells
    }

    /// Columns padded to their widest cell when the table fits, else one
    /// `header: value` line per cell so nothing is cut.
    private func renderTable(_ rows: [[String]]) -> [StyledLine] {
        let isRule: ([String]) -> Bool = { row in row.allSatisfy { cell in !cell.isEmpty && cell.allSatisfy { "-:".contains($0) } } }
        let body = rows.filter { !isRule($0) }
        let columns = body.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in body { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], CellWidth.of(cell)) } }
        let total = widths.reduce(0, +) + max(0, columns - 1) * 3
        var out: [StyledLine] = []
        if total <= width {
            for (r, row) in body.enumerated() {
                var line = StyledLine()
                for (i, cell) in row.enumerated() {
                    if i > 0 { line.append(" │ ", style: theme[.rule]) }
                    let padded = cell + String(repeating: " ", count: widths[i] - CellWidth.of(cell))
                    line.spans += inline(Substring(padded), base: r == 0 ? theme[.strong] : theme[.text])
                }
                out.append(line)
                if r == 0, body.count > 1 {
                    out.append(StyledLine(widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─"), style: theme[.rule]))
                }
            }
            return out
        }
        let header = body.first ?? []
        for row in body.dropFirst() {
            for (i, cell) in row.enumerated() {
                let name = i < header.count ? header[i] : "\(i + 1)"
                out += WordWrap.wrap([Span(name + ": ", style: theme[.strong])] + inline(Substring(cell), base: theme[.text]), width: width)
            }
            out.append(StyledLine(String(repeating: "─", count: min(width, 20)), style: theme[.rule]))
        }
        return out
    }

    /// Inline Markdown: `code`, **strong**, *emphasis* / _emphasis_, [text](url).
    func inline(_ text: Substring, base: Style) -> [Span] {
        var spans: [Span] = []
        var plain = ""
        var i = text.startIndex
        func flush() {
            if !plain.isEmpty { spans.append(Span(plain, style: base)) }
            plain = ""
        }
        while i < text.endIndex {
            let ch = text[i]
            guard ch == "`" || ch == "*" || ch == "_" || ch == "[" else {
                // A run of plain text, up to the next character that may open a span, in one piece.
                let next = text.utf8[i...].firstIndex { $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "[") }
                let end = next.map { $0 > i ? $0 : text.index(after: i) } ?? text.endIndex
                plain += text[i..<end]
                i = end
                continue
            }
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
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }

    var replacingTabs: String { replacingOccurrences(of: "\t", with: "    ") }
}
