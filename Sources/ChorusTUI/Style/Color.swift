import Foundation

/// A terminal colour. The curses layer maps it to what the terminal has:
/// true colour, 256 colours, 16, 8 or none.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    /// One of the 256 palette entries (0–15 are the ANSI colours).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `default`, `#rrggbb`, a palette number `0`–`255`, or an ANSI
    /// name (`black`, `red`, … `white`, and `bright-…`).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "default" || t.isEmpty { self = .default; return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            return
        }
        if let n = UInt8(t) { self = .indexed(n); return }
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        if let i = names.firstIndex(of: t) { self = .indexed(UInt8(i)); return }
        if t.hasPrefix("bright-"), let i = names.firstIndex(of: String(t.dropFirst(7))) { self = .indexed(UInt8(i + 8)); return }
        return nil
    }

    /// The colour as red, green, blue (palette entries by the xterm table).
    public var components: (r: Int, g: Int, b: Int)? {
        switch self {
        case .default: return nil
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .indexed(let n): return Self.xtermRGB(Int(n))
        }
    }

    /// The nearest of the first `count` palette entries (16 or 8), or of the
    /// 256-colour cube and grey ramp when `count` is 256.
    public func nearestIndex(in count: Int) -> Int? {
        if case .indexed(let n) = self, Int(n) < count { return Int(n) }
        guard let (r, g, b) = components else { return nil }
        if count >= 256 {
            func level(_ v: Int) -> Int { v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40 }
            let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
            let grey = r == g && g == b ? (r < 8 ? 16 : r > 238 ? 231 : 232 + (r - 8) / 10) : cube
            return distance(grey, r, g, b) < distance(cube, r, g, b) ? grey : cube
        }
        let candidates = 0..<min(count, 16)
        return candidates.min { distance($0, r, g, b) < distance($1, r, g, b) }
    }

    private func distance(_ index: Int, _ r: Int, _ g: Int, _ b: Int) -> Int {
        let c = Self.xtermRGB(index)
        return (c.r - r) * (c.r - r) + (c.g - g) * (c.g - g) + (c.b - b) * (c.b - b)
    }

    private static let ansi: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func xtermRGB(_ n: Int) -> (r: Int, g: Int, b: Int) {
        if n < 16 { return ansi[n] }
        if n < 232 {
            let i = n - 16
            func v(_ x: Int) -> Int { x == 0 ? 0 : 55 + 40 * x }
            return (v(i / 36), v(i / 6 % 6), v(i % 6))
        }
        let grey = 8 + 10 * (n - 232)
        return (grey, grey, grey)
    }
}
