/// Greedy word wrap of styled text: breaks at spaces, splits words longer
/// than a line by grapheme, never splits a wide grapheme, and never makes a
/// line wider than the width (width ≥ 1).
public enum WordWrap {
    /// Wraps `spans` (no newlines inside) into lines of at most `width`
    /// columns. Continuation lines start with `indent` spans (their width is
    /// taken from `width`); prefixes that leave no room for text are dropped.
    public static func wrap(_ spans: [Span], width: Int, firstPrefix: [Span] = [], indent: [Span] = []) -> [StyledLine] {
        let firstWidth = width - StyledLine(firstPrefix).width
        let restWidth = width - StyledLine(indent).width
        guard firstWidth > 0, restWidth > 0 else {
            return width > 0 ? wrap(spans, width: width) : [StyledLine(firstPrefix + spans)]
        }
        var lines: [StyledLine] = []
        var line = StyledLine(firstPrefix)
        var used = 0
        var limit = firstWidth
        var pendingSpace: (String, Style)?

        func newLine() {
            lines.append(line)
            line = StyledLine(indent)
            used = 0
            limit = restWidth
            pendingSpace = nil
        }

        for span in spans {
            for piece in pieces(span.text) {
                if piece.allSatisfy({ $0 == " " }) {
                    if used > 0 { pendingSpace = (piece, span.style) }
                    continue
                }
                let w = CellWidth.of(piece)
                let spaceWidth = pendingSpace.map { CellWidth.of($0.0) } ?? 0
                if used > 0, used + spaceWidth + w > limit { newLine() }
                if let (space, style) = pendingSpace {
                    line.append(space, style: style)
                    used += spaceWidth
                    pendingSpace = nil
                }
                if w <= limit - used {
                    line.append(piece, style: span.style)
                    used += w
                    continue
                }
                // A word longer than the line: split by grapheme. A wide grapheme
                // on a one-column line becomes a space, as `Buffer.write` draws it.
                for ch in piece {
                    let fits = CellWidth.of(ch) <= limit
                    let cw = fits ? CellWidth.of(ch) : 1
                    if used + cw > limit { newLine() }
                    line.append(fits ? String(ch) : " ", style: span.style)
                    used += cw
                }
            }
        }
        lines.append(line)
        return lines
    }

    /// Plain-text convenience: wraps each line of `text`.
    public static func wrap(_ text: String, width: Int, style: Style = .plain) -> [StyledLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrap([Span(String($0), style: style)], width: width) }
    }

    /// Alternating runs of spaces and non-spaces.
    static func pieces(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inSpace = false
        for ch in text {
            let space = ch == " "
            if !current.isEmpty, space != inSpace {
                result.append(current)
                current = ""
            }
            inSpace = space
            current.append(ch)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
