/// A grid of cells that widgets render into. The terminal layer draws only
/// the cells that differ from the previous frame (`BufferDiff`); tests read
/// it as lines of text.
public struct Buffer: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal's cursor should be shown, if anywhere.
    public var cursor: (x: Int, y: Int)? {
        get { cursorX.map { ($0, cursorY) } }
        set { cursorX = newValue?.x; cursorY = newValue?.y ?? 0 }
    }
    private var cursorX: Int?
    private var cursorY = 0

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Fills `rect` (clipped to the buffer) with `style`'s blank cells.
    public mutating func fill(_ rect: Rect, style: Style) {
        let cell = Cell(" ", style: style)
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { cells[y * width + x] = cell }
        }
    }

    /// Writes `text` from (x, y), clipped at `limit` (exclusive column, default
    /// the buffer's edge). A wide grapheme that does not fit is replaced by a
    /// space. Returns the column after the last cell written.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let end = min(width, limit ?? width)
        var col = x
        for ch in text {
            let w = CellWidth.of(ch)
            if w == 0 {
                // Combining marks join the previous cell's grapheme.
                if col > x, col - 1 < width, col - 1 >= 0 {
                    var prev = col - 1
                    while prev > 0, self[prev, y].isContinuation { prev -= 1 }
                    self[prev, y].symbol.append(ch)
                }
                continue
            }
            if col + w > end {
                if col < end { self[col, y] = Cell(" ", style: style); col += 1 }
                break
            }
            if col >= 0 {
                clearWide(at: col, y: y)
                self[col, y] = Cell(String(ch), style: style)
                if w == 2 {
                    clearWide(at: col + 1, y: y)
                    self[col + 1, y] = .continuation(style)
                }
            }
            col += w
        }
        return col
    }

    /// Writes styled spans in order; returns the column after the last.
    @discardableResult
    public mutating func write(_ line: StyledLine, x: Int, y: Int, base: Style = .plain, limit: Int? = nil) -> Int {
        var col = x
        for span in line.spans { col = write(span.text, x: col, y: y, style: base.patched(with: span.style), limit: limit) }
        return col
    }

    /// Overwriting half of a wide grapheme blanks its other half.
    private mutating func clearWide(at x: Int, y: Int) {
        guard x < width else { return }
        if self[x, y].isContinuation, x > 0 { self[x - 1, y].symbol = " " }
        if x + 1 < width, self[x + 1, y].isContinuation, !self[x, y].isContinuation { self[x + 1, y].symbol = " " }
    }

    /// The buffer's text, one string per row, trailing spaces kept.
    public var lines: [String] {
        (0..<height).map { y in
            var row = ""
            for x in 0..<width { row += self[x, y].symbol }
            return row
        }
    }

    /// The text of one row with trailing spaces removed.
    public func text(row y: Int) -> String {
        var row = ""
        for x in 0..<width { row += self[x, y].symbol }
        while row.last == " " { row.removeLast() }
        return row
    }

    public static func == (a: Buffer, b: Buffer) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursorX == b.cursorX && a.cursorY == b.cursorY
    }
}
