/// Named styles for every part of the screen. Themes come from
/// `themes/*.toml`; a role a theme leaves out falls back to `text`'s colours.
public struct Theme: Sendable, Equatable {
    /// What a style is for.
    public enum Role: String, Sendable, CaseIterable {
        case text, dim, userLabel = "user_label", assistantLabel = "assistant_label", heading, emphasis, strong
        case code, codeBlock = "code_block", quote, link, rule
        case statusBar = "status_bar", statusAccent = "status_accent", border, panel, panelSelected = "panel_selected"
        case panelTitle = "panel_title", selection, input, inputPlaceholder = "input_placeholder"
        case error, warning, success, overlay, overlayTitle = "overlay_title", key
    }

    public var name: String
    public private(set) var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: Role) -> Style {
        if let style = styles[role] { return style }
        let base = styles[.text] ?? .plain
        return Style(foreground: base.foreground, background: base.background, attributes: Self.defaultAttributes[role] ?? [])
    }

    private static let defaultAttributes: [Role: Style.Attributes] = [
        .dim: .dim, .userLabel: .bold, .assistantLabel: .bold, .heading: .bold, .emphasis: .italic, .strong: .bold,
        .code: .bold, .statusBar: .reverse, .statusAccent: [.reverse, .bold], .panelSelected: .reverse,
        .panelTitle: .bold, .selection: .reverse, .inputPlaceholder: .dim, .error: .bold, .overlayTitle: .bold, .key: .bold,
    ]

    /// Attributes only, no colours: works on any terminal, including monochrome.
    public static let fallback = Theme(name: "basic", styles: [:])
}
