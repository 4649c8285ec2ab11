/// A bordered box with a title, cleared inside; returns the inner area.
public enum Box {
    @discardableResult
    public static func draw(into buffer: inout Buffer, area: Rect, title: String, border: Style, fill: Style, titleStyle: Style) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        buffer.fill(area, style: fill)
        let horizontal = String(repeating: "─", count: area.width - 2)
        buffer.write("┌" + horizontal + "┐", x: area.x, y: area.y, style: border)
        buffer.write("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: border)
        for y in area.y + 1..<area.maxY - 1 {
            buffer.write("│", x: area.x, y: y, style: border)
            buffer.write("│", x: area.maxX - 1, y: y, style: border)
        }
        if !title.isEmpty { buffer.write(" \(title) ", x: area.x + 2, y: area.y, style: titleStyle, limit: area.maxX - 2) }
        return area.inset(by: 1)
    }
}
