/// The cells that changed between two frames, as runs the terminal layer
/// can draw with one call each.
public struct BufferDiff: Sendable, Equatable {
    /// Consecutive changed cells on one row, all in one style.
    public struct Run: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var style: Style
        /// The graphemes, wide ones followed by nothing (they take two columns).
        public var text: String
    }

    public var runs: [Run]
    /// Whether everything must be redrawn (first frame or a new size).
    public var isFull: Bool

    /// What to draw to turn `previous` into `next`; everything when the sizes differ.
    public init(from previous: Buffer?, to next: Buffer) {
        let full = previous == nil || previous!.width != next.width || previous!.height != next.height
        isFull = full
        runs = []
        for y in 0..<next.height {
            var current: Run?
            var x = 0
            while x < next.width {
                let cell = next[x, y]
                let changed = full || previous![x, y] != cell
                    // A wide grapheme is redrawn whole when its right half changed.
                    || (x + 1 < next.width && next[x + 1, y].isContinuation && previous![x + 1, y] != next[x + 1, y])
                if cell.isContinuation {
                    x += 1
                    continue
                }
                if changed {
                    if current != nil, current!.style == cell.style {
                        current!.text += cell.symbol
                    } else {
                        if let run = current { runs.append(run) }
                        current = Run(x: x, y: y, style: cell.style, text: cell.symbol)
                    }
                } else if let run = current {
                    runs.append(run)
                    current = nil
                }
                x += 1
            }
            if let run = current { runs.append(run) }
        }
    }

    /// Cells that will be drawn.
    public var cellCount: Int { runs.reduce(0) { $0 + CellWidth.of($1.text) } }
}
