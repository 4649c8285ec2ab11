/// The conversation, newest at the bottom, scrolled in lines from the end.
/// Settled messages keep their rendered lines; a streaming message
/// re-renders only its last Markdown block per frame, so a long chat costs
/// the same per token as a short one.
public struct TranscriptView: Sendable {
    /// Lines scrolled up from the bottom (0 follows the stream).
    public var scrollFromBottom = 0
    /// Entry shown as selected (copy mode), by id.
    public var selectedId: String?
    /// Tool calls shown whole (arguments and result) instead of one line each.
    public var toolsExpanded = false
    /// Rendered lines by entry id, valid for the recorded text length, status, width and theme.
    private var cache: [String: CachedLines] = [:]
    private var streaming: [String: IncrementalMarkdown] = [:]
    /// Lines above the visible part at the last render: whether there is more to scroll.
    public private(set) var linesAbove = 0

    private struct CachedLines: Sendable {
        var length: Int
        var expanded: Bool
        var status: TranscriptEntry.Status
        var width: Int
        var themeName: String
        var lines: [StyledLine]
    }

    public init() {}

    /// Forgets cached lines (after a theme change the cache misses by itself; this frees memory).
    public mutating func reset() {
        cache = [:]
        streaming = [:]
        scrollFromBottom = 0
        selectedId = nil
    }

    public mutating func scroll(by lines: Int) {
        scrollFromBottom = max(0, scrollFromBottom + lines)
    }

    public mutating func render(_ entries: [TranscriptEntry], into buffer: inout Buffer, area: Rect, theme: Theme) {
        buffer.fill(area, style: theme[.text])
        guard !area.isEmpty else { return }
        let needed = scrollFromBottom + area.height
        // Entries newest first, each block once; one join at the end (inserting at the front
        // per entry was quadratic when scrolled to the top of a long thread).
        var blocks: [[StyledLine]] = []
        var total = 0
        var selectedBlock: Int?
        var index = entries.count - 1
        var foundSelection = selectedId == nil
        while index >= 0, total < needed || !foundSelection {
            let entry = entries[index]
            let lines = self.lines(for: entry, width: area.width, theme: theme)
            if entry.id == selectedId {
                selectedBlock = blocks.count
                foundSelection = true
            }
            blocks.append(lines)
            total += lines.count
            index -= 1
        }
        let collected = Array(blocks.reversed().joined())
        var selection: (start: Int, end: Int)?
        if let selectedBlock {
            let end = total - blocks[..<selectedBlock].reduce(0) { $0 + $1.count }
            selection = (end - blocks[selectedBlock].count, end)
        }
        // Entries above the window are not rendered at all.
        // Keep the selected entry in view.
        if let selection {
            if collected.count - scrollFromBottom < selection.end { scrollFromBottom = collected.count - selection.end }
            if collected.count - scrollFromBottom - area.height > selection.start {
                scrollFromBottom = max(0, collected.count - selection.start - area.height)
            }
        }
        if index < 0 { scrollFromBottom = max(0, min(scrollFromBottom, collected.count - area.height)) }
        let end = collected.count - scrollFromBottom
        let start = max(0, end - area.height)
        linesAbove = index >= 0 ? start + 1 : start
        for (row, lineIndex) in (start..<end).enumerated() {
            let selected = selection.map { lineIndex >= $0.start && lineIndex < $0.end - 1 } ?? false
            let base = selected ? theme[.selection] : theme[.text]
            if selected { buffer.fill(Rect(x: area.x, y: area.y + row, width: area.width, height: 1), style: base) }
            buffer.write(collected[lineIndex], x: area.x, y: area.y + row, base: base, limit: area.maxX)
        }
    }

    /// The entry's lines: a label row, the text, a status row if any, a blank row.
    mutating func lines(for entry: TranscriptEntry, width: Int, theme: Theme) -> [StyledLine] {
        let bodyWidth = max(1, width - 2)
        if let cached = cache[entry.id], cached.length == entry.text.utf8.count, cached.status == entry.status,
           cached.width == width, cached.themeName == theme.name, cached.expanded == toolsExpanded || entry.role != .tool {
            return cached.lines
        }
        let labelStyle = entry.role == .user ? theme[.userLabel] : entry.role == .assistant ? theme[.assistantLabel] : theme[.dim]
        var lines = [StyledLine(entry.label, style: labelStyle)]
        let renderer = MarkdownRenderer(theme: theme, width: bodyWidth)
        let body: [StyledLine]
        switch entry.role {
        case .user, .notice:
            body = WordWrap.wrap(entry.text, width: bodyWidth, style: entry.role == .user ? theme[.text] : theme[.dim])
        case .assistant where entry.status == .streaming:
            var incremental = streaming[entry.id] ?? IncrementalMarkdown(renderer: renderer)
            body = incremental.lines(for: entry.text, renderer: renderer)
            streaming[entry.id] = incremental
        case .assistant:
            streaming[entry.id] = nil
            body = renderer.render(entry.text)
        case .tool:
            body = Self.toolLines(entry.text, expanded: toolsExpanded, width: bodyWidth, theme: theme)
        }
        lines += body.map { $0.prefixed([Span("  ")]) }
        switch entry.status {
        case .done: break
        case .streaming: lines.append(StyledLine("  ▌", style: theme[.dim]))
        case .cancelled: lines.append(StyledLine("  [cancelled]", style: theme[.warning]))
        case .failed(let reason):
            lines += WordWrap.wrap([Span("error: " + reason, style: theme[.error])], width: width, firstPrefix: [Span("  ")], indent: [Span("  ")])
        }
        lines.append(StyledLine())
        if entry.status != .streaming {
            cache[entry.id] = CachedLines(length: entry.text.utf8.count, expanded: toolsExpanded, status: entry.status, width: width,
                                          themeName: theme.name, lines: lines)
        }
        return lines
    }

    /// A tool call: collapsed, one line `arguments → first line of the result`
    /// cut to the width; expanded, the arguments and the whole result wrapped.
    static func toolLines(_ text: String, expanded: Bool, width: Int, theme: Theme) -> [StyledLine] {
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let arguments = parts.first.map(String.init) ?? ""
        let result = parts.count > 1 ? String(parts[1]) : ""
        if expanded {
            var lines = WordWrap.wrap(arguments, width: width, style: theme[.dim])
            if !result.isEmpty { lines += WordWrap.wrap("→ " + result, width: width, style: theme[.text]) }
            return lines
        }
        let firstResult = result.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        var line = arguments
        if !result.isEmpty { line += " → " + firstResult }
        if CellWidth.of(line) > width {
            var cut = "", used = 0
            for character in line {
                let w = CellWidth.of(character)
                if used + w > width - 1 { break }
                cut.append(character)
                used += w
            }
            line = cut + "…"
        }
        return [StyledLine(line, style: theme[.dim])]
    }
}
