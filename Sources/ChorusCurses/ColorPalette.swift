import CNcursesw
import ChorusTUI

/// Maps styles to curses attributes and colour pairs for what the terminal
/// has: direct (true) colour, 256, 16 or 8 colours, or none (then colours
/// become reverse video where a background was asked for).
final class ColorPalette {
    enum Depth { case none, basic(Int), palette256, direct }

    let depth: Depth
    private var pairs: [Key: Int32] = [:]
    private struct Key: Hashable { let fg: Color, bg: Color }

    init() {
        guard has_colors() else { depth = .none; return }
        start_color()
        use_default_colors()
        let count = Int(chorus_colors())
        if count >= 1 << 24 { depth = .direct } else if count >= 256 { depth = .palette256 } else { depth = .basic(count) }
    }

    func attributes(for style: Style) -> (attr_t, Int32) {
        var attrs: attr_t = 0
        let a = style.attributes
        if a.contains(.bold) { attrs |= chorus_a_bold() }
        if a.contains(.dim) { attrs |= chorus_a_dim() }
        if a.contains(.italic) { attrs |= chorus_a_italic() }
        if a.contains(.underline) { attrs |= chorus_a_underline() }
        if a.contains(.reverse) { attrs |= chorus_a_reverse() }
        if case .none = depth {
            if style.background != .default { attrs |= chorus_a_reverse() }
            return (attrs, 0)
        }
        return (attrs, pair(fg: style.foreground, bg: style.background))
    }

    private func pair(fg: Color, bg: Color) -> Int32 {
        if fg == .default, bg == .default { return 0 }
        let key = Key(fg: fg, bg: bg)
        if let pair = pairs[key] { return pair }
        let pair = alloc_pair(number(fg), number(bg))
        let result = pair < 0 ? 0 : pair
        pairs[key] = result
        return result
    }

    private func number(_ color: Color) -> Int32 {
        switch depth {
        case .none: return -1
        case .direct:
            guard let (r, g, b) = color.components else { return -1 }
            return Int32(r << 16 | g << 8 | b)
        case .palette256: return color.nearestIndex(in: 256).map(Int32.init) ?? -1
        case .basic(let count): return color.nearestIndex(in: count).map(Int32.init) ?? -1
        }
    }
}
