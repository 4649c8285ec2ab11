/// The input box's state: multi-line text and a cursor, with the editing
/// operations keys map to. Rendering wraps by grapheme with correct widths.
public struct TextEditor: Sendable, Equatable {
    public private(set) var characters: [Character] = []
    /// Index in `characters` before which typing inserts.
    public private(set) var cursor = 0
    /// First visible wrapped row (kept so the cursor stays in view).
    private var scrollRow = 0

    public init(text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    public mutating func setText(_ text: String) {
        characters = Array(text)
        cursor = characters.count
        scrollRow = 0
    }

    /// Inserts `text` at the cursor. Text typed one scalar at a time (a ZWJ
    /// emoji, a flag's two regional indicators, a combining accent) joins the
    /// character it extends, exactly as when the whole cluster is pasted.
    public mutating func insert(_ text: String) {
        let start = cursor > 0 ? cursor - 1 : cursor
        let end = cursor < characters.count ? cursor + 1 : cursor
        let typed = String(characters[start..<cursor]) + text
        let merged = Array(typed + String(characters[cursor..<end]))
        characters.replaceSubrange(start..<end, with: merged)
        cursor = start + min(Array(typed).count, merged.count)
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    public mutating func left() { cursor = max(0, cursor - 1) }
    public mutating func right() { cursor = min(characters.count, cursor + 1) }

    /// Start of the current line (Home).
    public mutating func lineStart() {
        while cursor > 0, characters[cursor - 1] != "\n" { cursor -= 1 }
    }

    /// End of the current line (End).
    public mutating func lineEnd() {
        while cursor < characters.count, characters[cursor] != "\n" { cursor += 1 }
    }

    public mutating func wordLeft() {
        while cursor > 0, !characters[cursor - 1].isWordCharacter { cursor -= 1 }
        while cursor > 0, characters[cursor - 1].isWordCharacter { cursor -= 1 }
    }

    public mutating func wordRight() {
        while cursor < characters.count, !characters[cursor].isWordCharacter { cursor += 1 }
        while cursor < characters.count, characters[cursor].isWordCharacter { cursor += 1 }
    }

    /// Deletes the word before the cursor (Ctrl-W).
    public mutating func deleteWordBackward() {
        let end = cursor
        wordLeft()
        characters.removeSubrange(cursor..<end)
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    public mutating func deleteToLineStart() {
        let end = cursor
        lineStart()
        characters.removeSubrange(cursor..<end)
    }

    /// Whether the cursor is on the first or last logical line.
    public var isOnFirstLine: Bool { !characters[..<cursor].contains("\n") }
    public var isOnLastLine: Bool { !characters[cursor...].contains("\n") }

    /// Moves to the same column of the previous logical line; false on the first line.
    @discardableResult
    public mutating func lineUp() -> Bool {
        guard !isOnFirstLine else { return false }
        let column = currentColumn
        lineStart()
        cursor -= 1
        lineStart()
        moveRight(column)
        return true
    }

    /// Moves to the same column of the next logical line; false on the last line.
    @discardableResult
    public mutating func lineDown() -> Bool {
        guard !isOnLastLine else { return false }
        let column = currentColumn
        lineEnd()
        cursor += 1
        moveRight(column)
        return true
    }

    private var currentColumn: Int {
        var i = cursor
        while i > 0, characters[i - 1] != "\n" { i -= 1 }
        return cursor - i
    }

    private mutating func moveRight(_ n: Int) {
        var moved = 0
        while moved < n, cursor < characters.count, characters[cursor] != "\n" { cursor += 1; moved += 1 }
    }

    /// Rows the text takes at `width`, at most `maxRows`.
    public func rowCount(width: Int, maxRows: Int) -> Int { min(maxRows, max(1, wrapped(width: width).rows.count)) }

    /// Keeps the caret in view in a box `width` × `height`: update calls it
    /// after editing, so the box scrolls only when the caret leaves it.
    public mutating func reveal(width: Int, height: Int) {
        scrollRow = firstVisibleRow(wrapped(width: width), height: height)
    }

    /// Draws the visible rows into `area` and puts the buffer's cursor at the caret.
    public func render(into buffer: inout Buffer, area: Rect, style: Style, placeholder: String? = nil, placeholderStyle: Style = .plain) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: style)
        if characters.isEmpty, let placeholder {
            buffer.write(placeholder, x: area.x, y: area.y, style: placeholderStyle, limit: area.maxX)
        }
        let layout = wrapped(width: area.width)
        let first = firstVisibleRow(layout, height: area.height)
        for (i, row) in layout.rows.dropFirst(first).prefix(area.height).enumerated() {
            buffer.write(String(row), x: area.x, y: area.y + i, style: style, limit: area.maxX)
        }
        buffer.cursor = (area.x + min(layout.cursorColumn, area.width - 1), area.y + layout.cursorRow - first)
    }

    /// The kept scroll, moved just enough to show the caret, within the text.
    private func firstVisibleRow(_ layout: (rows: [[Character]], cursorRow: Int, cursorColumn: Int), height: Int) -> Int {
        var first = scrollRow
        if layout.cursorRow < first { first = layout.cursorRow }
        if layout.cursorRow >= first + height { first = layout.cursorRow - height + 1 }
        return max(0, min(first, max(0, layout.rows.count - height)))
    }

    /// The text cut into rows of at most `width` columns, and where the cursor falls.
    func wrapped(width: Int) -> (rows: [[Character]], cursorRow: Int, cursorColumn: Int) {
        var rows: [[Character]] = [[]]
        var used = 0
        var cursorRow = 0, cursorColumn = 0
        let limit = max(1, width)
        for (i, ch) in characters.enumerated() {
            if i == cursor { cursorRow = rows.count - 1; cursorColumn = used }
            if ch == "\n" {
                rows.append([])
                used = 0
                continue
            }
            let w = CellWidth.of(ch)
            if used + w > limit {
                rows.append([])
                used = 0
                if i == cursor { cursorRow = rows.count - 1; cursorColumn = 0 }
            }
            rows[rows.count - 1].append(ch)
            used += w
        }
        if cursor == characters.count {
            if used >= limit { rows.append([]); used = 0 }
            cursorRow = rows.count - 1
            cursorColumn = used
        }
        return (rows, cursorRow, cursorColumn)
    }
}

extension Character {
    var isWordCharacter: Bool { isLetter || isNumber || self == "_" }
}
