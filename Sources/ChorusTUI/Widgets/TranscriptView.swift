/// The conversation, newest at the bottom, scrolled in lines from the end.
/// Settled messages keep their rendered lines; a streaming message
/// re-renders only its last Markdown block per frame, so a long chat costs
/// the same per token as a short one.
///
/// Drawing changes nothing the user can see in the model: it computes the
/// window from the scroll and the selection, and only fills `lines`, a memo
/// whose content never changes what is drawn. `settle` is what moves the
/// stored scroll (into range, to the selection); update calls it.
public struct TranscriptView {
    /// Lines scrolled up from the bottom (0 follows the stream).
    public var scrollFromBottom = 0
    /// Tool calls shown whole (arguments and result) instead of one line each.
    public var toolsExpanded = false
    /// Rendered lines by entry, kept between frames.
    private var lines = RenderedLines()

    /// What one frame shows of the conversation.
    public struct Window {
        /// The visible lines, top first.
        public var lines: [StyledLine]
        /// Which of `lines` belong to the selected entry.
        public var selected: Range<Int>?
        /// Lines above the window: whether there is more to scroll.
        public var linesAbove: Int
        /// The scroll that shows this window (in range, the selection in view).
        public var scrollFromBottom: Int
    }

    public init() {}

    /// Forgets rendered lines and the scroll (on a thread switch, to free memory).
    public mutating func reset() {
        lines = RenderedLines()
        scrollFromBottom = 0
    }

    public mutating func scroll(by lines: Int) {
        scrollFromBottom = max(0, scrollFromBottom + lines)
    }

    /// Brings the stored scroll into range and the entry `selected` into view.
    public mutating func settle(_ entries: [TranscriptEntry], selected: String?, width: Int, height: Int, theme: Theme) {
        scrollFromBottom = window(entries, selected: selected, width: width, height: height, theme: theme).scrollFromBottom
    }

    /// Draws the window into `area`; the selected entry is highlighted (and shown even if the stored scroll hides it).
    @discardableResult
    public func render(_ entries: [TranscriptEntry], selected: String? = nil, into buffer: inout Buffer, area: Rect, theme: Theme) -> Window {
        buffer.fill(area, style: theme[.text])
        let window = window(entries, selected: selected, width: area.width, height: area.height, theme: theme)
        guard !area.isEmpty else { return window }
        for (row, line) in window.lines.enumerated() {
            let isSelected = window.selected.map { $0.contains(row) } ?? false
            let base = isSelected ? theme[.selection] : theme[.text]
            if isSelected { buffer.fill(Rect(x: area.x, y: area.y + row, width: area.width, height: 1), style: base) }
            buffer.write(line, x: area.x, y: area.y + row, base: base, limit: area.maxX)
        }
        return window
    }

    /// The window `height` lines tall at the stored scroll, moved to show `selected`.
    public func window(_ entries: [TranscriptEntry], selected selectedId: String?, width: Int, height: Int, theme: Theme) -> Window {
        guard width > 0, height > 0 else { return Window(lines: [], selected: nil, linesAbove: 0, scrollFromBottom: scrollFromBottom) }
        var scroll = scrollFromBottom
        let needed = scroll + height
        // Entries newest first, each block once; one join at the end (inserting at the front
        // per entry was quadratic when scrolled to the top of a long thread).
        var blocks: [[StyledLine]] = []
        var total = 0
        var selectedBlock: Int?
        var index = entries.count - 1
        var foundSelection = selectedId == nil
        while index >= 0, total < needed || !foundSelection {
            let entry = entries[index]
            let entryLines = lines.lines(for: entry, width: width, theme: theme, toolsExpanded: toolsExpanded)
            if entry.id == selectedId {
                selectedBlock = blocks.count
                foundSelection = true
            }
            blocks.append(entryLines)
            total += entryLines.count
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
            if collected.count - scroll < selection.end { scroll = collected.count - selection.end }
            if collected.count - scroll - height > selection.start {
                scroll = max(0, collected.count - selection.start - height)
            }
        }
        if index < 0 { scroll = max(0, min(scroll, collected.count - height)) }
        let end = collected.count - scroll
        let start = max(0, end - height)
        // The selected entry's last line is its blank separator: not highlighted.
        var highlighted: Range<Int>?
        if let selection {
            let (low, high) = (max(selection.start, start) - start, min(selection.end - 1, end) - start)
            if low < high { highlighted = low..<high }
        }
        return Window(lines: Array(collected[start..<end]), selected: highlighted,
                      linesAbove: index >= 0 ? start + 1 : start, scrollFromBottom: scroll)
    }
}

/// Rendered lines by entry id, valid for the recorded text length, status,
/// width, theme and tool expansion, plus the Markdown state of streaming
/// replies: what makes a frame cost only what changed. A reference, so that
/// drawing can fill it without changing the model; its content is a pure
/// function of the entries, so sharing it between copies changes nothing drawn.
final class RenderedLines {
    private struct CachedLines {
        var length: Int
        var expanded: Bool
        var status: TranscriptEntry.Status
        var width: Int
        var themeName: String
        var lines: [StyledLine]
    }

    private var cache: [String: CachedLines] = [:]
    private var streaming: [String: IncrementalMarkdown] = [:]

    /// The entry's lines: a label row, the text, a status row if any, a blank row.
    func lines(for entry: TranscriptEntry, width: Int, theme: Theme, toolsExpanded: Bool) -> [StyledLine] {
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
        case .user, .notice, .compaction:
            body = WordWrap.wrap(entry.text, width: bodyWidth, style: entry.role == .user ? theme[.text] : theme[.dim])
        case .assistant where entry.status == .streaming:
            var incremental = streaming[entry.id] ?? IncrementalMarkdown(renderer: renderer)
            body = incremental.lines(for: entry.text, renderer: renderer)
            streaming[entry.id] = incremental
        case .assistant:
            streaming[entry.id] = nil
            body = renderer.render(entry.text)
        case .tool:
            body = TranscriptView.toolLines(entry.text, expanded: toolsExpanded, width: bodyWidth, theme: theme)
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
}

extension TranscriptView {
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
