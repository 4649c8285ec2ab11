/// The lines of a message that is still growing. Everything before the
/// last blank line outside a code block is settled: rendered once and
/// kept; each new token re-renders only the block after it.
public struct IncrementalMarkdown: Sendable {
    public private(set) var renderer: MarkdownRenderer
    /// Characters of the text whose lines are settled.
    private var settledLength = 0
    private var settledLines: [StyledLine] = []

    public init(renderer: MarkdownRenderer) { self.renderer = renderer }

    /// Lines of `text`, which must extend the text of the previous call
    /// (otherwise everything is rendered again).
    public mutating func lines(for text: String, renderer newRenderer: MarkdownRenderer) -> [StyledLine] {
        if newRenderer.width != renderer.width || newRenderer.theme != renderer.theme || text.utf8.count < settledLength {
            renderer = newRenderer
            settledLength = 0
            settledLines = []
        }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: settledLength)
        let tail = text[start...]
        if let boundary = Self.lastSettledBoundary(tail) {
            let block = tail[..<boundary]
            settledLines += renderer.render(block.dropLast())  // without its trailing blank line's newline
            settledLength += block.utf8.count
        }
        let rest = text[utf8.index(utf8.startIndex, offsetBy: settledLength)...]
        return settledLines + (rest.isEmpty ? [] : renderer.render(rest))
    }

    /// The index just after the last "\n\n" that is outside a fenced code block.
    static func lastSettledBoundary(_ text: Substring) -> Substring.Index? {
        var inFence = false
        var boundary: Substring.Index?
        var lineStart = text.startIndex
        var previousBlank = false
        var i = text.startIndex
        while i < text.endIndex {
            guard text[i] == "\n" else { i = text.index(after: i); continue }
            let line = text[lineStart..<i].drop { $0 == " " }
            if inFence {
                // Closed only by a line of fence characters, as the renderer does.
                if line.count >= 3, line.allSatisfy({ $0 == "`" || $0 == "~" }) { inFence = false }
            } else if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence = true
            }
            let blank = line.isEmpty
            let next = text.index(after: i)
            if blank, !inFence, previousBlank == false, lineStart > text.startIndex { boundary = next }
            previousBlank = blank
            lineStart = next
            i = next
        }
        return boundary
    }
}
