import ChorusTUI

/// The help box (F1): the active keys and what they do, wrapped to the
/// terminal's width and scrolled (↑↓, PgUp/PgDn) when taller than it.
enum HelpOverlay {
    /// Widest box; narrower terminals get a box as wide as they are.
    static let maxWidth = 72
    static let footer = "Thread list (Tab): ↑↓ move · Enter open · r rename · d delete · a archive · / filter"

    /// Where the box goes on a `width` × `height` screen, given how many lines it holds.
    static func frame(width: Int, height: Int, lines: Int) -> Rect {
        Rect(x: 0, y: 0, width: width, height: height).centered(width: maxWidth, height: lines + 2)
    }

    /// The box's text lines for an inner width of `inner`: each key with its
    /// summary wrapped beside it, then the thread-list line.
    static func lines(_ m: AppModel, inner: Int) -> [StyledLine] {
        var rows = Action.allCases.compactMap { action -> (String, String)? in
            let keys = m.keymap.keys(for: action)
            guard action.threadNumber == nil, !keys.isEmpty else { return nil }
            return (keys.map(\.label).joined(separator: " / "), action.summary)
        }
        let jumps = (1...9).compactMap { n in Action(rawValue: "thread_\(n)").flatMap { m.keymap.keys(for: $0).first?.label } }
        if !jumps.isEmpty { rows.append((jumps.count == 9 && jumps[0] == "Alt-1" ? "Alt-1 … Alt-9" : jumps.joined(separator: " "), "open thread N of the list")) }
        rows.append(("y / n / a", "allow, deny, or always allow a tool that asks (empty input)"))
        rows.append(("/tools", "list the MCP servers' tools; /research QUESTION starts research"))
        let keyWidth = max(1, min(22, rows.map { CellWidth.of($0.0) }.max() ?? 10, (inner - 4) / 2))
        let textWidth = max(1, inner - keyWidth - 4)
        var out: [StyledLine] = []
        for (keys, summary) in rows {
            // A key label wider than its column gets a line of its own.
            let keyLines = WordWrap.wrap(keys, width: keyWidth, style: m.theme[.key])
            let textLines = WordWrap.wrap(summary, width: textWidth, style: m.theme[.overlay])
            for i in 0..<max(keyLines.count, textLines.count) {
                var line = StyledLine(" ", style: m.theme[.overlay])
                let key = i < keyLines.count ? keyLines[i] : StyledLine()
                line.spans += key.spans
                line.append(String(repeating: " ", count: max(1, keyWidth - key.width + 2)), style: m.theme[.overlay])
                if i < textLines.count { line.spans += textLines[i].spans }
                out.append(line)
            }
        }
        out += WordWrap.wrap(footer, width: max(1, inner - 2), style: m.theme[.dim]).map { $0.prefixed([Span(" ", style: m.theme[.overlay])]) }
        return out
    }

    /// The most the box can scroll on the model's screen.
    static func maxScroll(_ m: AppModel) -> Int {
        let inner = min(maxWidth, m.width) - 2
        let count = lines(m, inner: inner).count
        return max(0, count - frame(width: m.width, height: m.height, lines: count).height + 2)
    }

    static func render(_ m: AppModel, scroll: Int, into buffer: inout Buffer) {
        let screen = buffer.area
        let inner = min(maxWidth, screen.width) - 2
        guard inner > 0 else { return }
        let content = lines(m, inner: inner)
        let area = frame(width: screen.width, height: screen.height, lines: content.count)
        let visible = max(0, area.height - 2)
        let first = max(0, min(scroll, content.count - visible))
        let scrolls = content.count > visible
        let title = scrolls ? "Keys \(first + 1)–\(first + visible)/\(content.count) ↑↓ · Esc closes" : "Keys — any key closes"
        let box = Box.draw(into: &buffer, area: Rect(x: screen.x + area.x, y: screen.y + area.y, width: area.width, height: area.height),
                           title: title, border: m.theme[.border], fill: m.theme[.overlay], titleStyle: m.theme[.overlayTitle])
        for (row, line) in content.dropFirst(first).prefix(visible).enumerated() {
            _ = buffer.write(line, x: box.x, y: box.y + row, base: m.theme[.overlay], limit: box.maxX)
        }
    }
}
