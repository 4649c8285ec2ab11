/// One terminal cell: a grapheme, its style, and whether it is the second
/// half of a wide grapheme drawn by the cell to its left.
public struct Cell: Sendable, Equatable {
    /// The grapheme drawn here; empty on a wide grapheme's continuation cell.
    public var symbol: String
    public var style: Style

    public init(_ symbol: String = " ", style: Style = .plain) {
        self.symbol = symbol
        self.style = style
    }

    public static let blank = Cell()
    /// The cell right of a two-column grapheme.
    public static func continuation(_ style: Style) -> Cell { Cell("", style: style) }

    public var isContinuation: Bool { symbol.isEmpty }
}
