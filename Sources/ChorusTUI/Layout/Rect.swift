/// A rectangle of cells, in buffer coordinates.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `margin` on every side.
    public func inset(by margin: Int) -> Rect {
        Rect(x: x + margin, y: y + margin, width: width - 2 * margin, height: height - 2 * margin)
    }

    /// Splits off `rows` at the top (negative: at the bottom).
    public func splitRows(_ rows: Int) -> (Rect, Rect) {
        let n = min(height, abs(rows))
        if rows >= 0 {
            return (Rect(x: x, y: y, width: width, height: n), Rect(x: x, y: y + n, width: width, height: height - n))
        }
        return (Rect(x: x, y: y, width: width, height: height - n), Rect(x: x, y: maxY - n, width: width, height: n))
    }

    /// Splits off `columns` at the left.
    public func splitColumns(_ columns: Int) -> (Rect, Rect) {
        let n = min(width, max(0, columns))
        return (Rect(x: x, y: y, width: n, height: height), Rect(x: x + n, y: y, width: width - n, height: height))
    }

    /// A `width` × `height` rectangle centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(width, w), ch = min(height, h)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }
}
