/// How a cell is drawn: colours and attributes.
public struct Style: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .default, background: Color = .default, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    /// Text attributes a terminal can show.
    public struct Attributes: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1)
        public static let dim = Attributes(rawValue: 2)
        public static let italic = Attributes(rawValue: 4)
        public static let underline = Attributes(rawValue: 8)
        public static let reverse = Attributes(rawValue: 16)

        /// Parses names such as `bold`, `italic`, `underline`, `dim`, `reverse`.
        public init?(names: [String]) {
            var result: Attributes = []
            for name in names {
                switch name.lowercased() {
                case "bold": result.insert(.bold)
                case "dim": result.insert(.dim)
                case "italic": result.insert(.italic)
                case "underline": result.insert(.underline)
                case "reverse": result.insert(.reverse)
                default: return nil
                }
            }
            self = result
        }
    }

    /// This style with `other`'s non-default colours and extra attributes on top.
    public func patched(with other: Style) -> Style {
        Style(foreground: other.foreground == .default ? foreground : other.foreground,
              background: other.background == .default ? background : other.background,
              attributes: attributes.union(other.attributes))
    }

    public func adding(_ extra: Attributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }
}
