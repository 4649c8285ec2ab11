import ChorusSettings
import ChorusTUI
import Foundation
import TOMLKit

/// Themes from `themes/*.toml`: the user's (`$XDG_CONFIG_HOME/chorus/themes`
/// or `~/.config/chorus/themes`), then the ones shipped beside the
/// executable's checkout (`themes/` of the repository `swift run` builds).
public enum ThemeCatalog {
    /// Folders searched, first wins on equal names.
    public static func directories(environment: [String: String], executable: String = CommandLine.arguments[0]) -> [String] {
        var dirs: [String] = []
        if let custom = environment["CHORUS_THEMES_DIR"], !custom.isEmpty { dirs.append(custom) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            dirs.append(xdg + "/chorus/themes")
        } else if let home = environment["HOME"] {
            dirs.append(home + "/.config/chorus/themes")
        }
        // .build/<config>/chorus → the checkout's themes/ (also for installed copies next to a themes/ folder).
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            dirs.append(url.appendingPathComponent("themes").path)
            url.deleteLastPathComponent()
        }
        return dirs
    }

    /// Every theme found, sorted by name; files that do not parse are reported, not skipped silently.
    public static func load(directories: [String]) throws -> [Theme] {
        var byName: [String: Theme] = [:]
        for dir in directories {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in files.sorted() where file.hasSuffix(".toml") {
                let path = dir + "/" + file
                let theme = try parse(String(contentsOfFile: path, encoding: .utf8), name: String(file.dropLast(5)), path: path)
                if byName[theme.name] == nil { byName[theme.name] = theme }
            }
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// `name` picks from `themes`; nil picks `dark` when there is one. A name
    /// that is not there is an error listing the ones that are.
    public static func select(_ name: String?, from themes: [Theme]) throws -> Theme {
        if let name {
            if let theme = themes.first(where: { $0.name == name }) { return theme }
            if name == Theme.fallback.name { return .fallback }
            throw ConfigError(path: "--theme", line: nil, message: "no theme '\(name)'; available: \((themes.map(\.name) + [Theme.fallback.name]).joined(separator: ", "))")
        }
        return themes.first { $0.name == "dark" } ?? themes.first ?? .fallback
    }

    /// Reads one theme file: `[styles]` with `role = { fg, bg, attrs }`.
    public static func parse(_ text: String, name: String, path: String) throws -> Theme {
        let table = try TOMLText.table(text, path: path)
        var styles: [Theme.Role: Style] = [:]
        guard let section = table["styles"]?.table else { throw ConfigError(path: path, line: nil, message: "a theme needs a [styles] table") }
        for key in section.keys {
            guard let role = Theme.Role(rawValue: key) else {
                throw ConfigError(path: path, line: nil, message: "unknown style '\(key)'; styles: \(Theme.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let entry = section[key]?.table else { throw ConfigError(path: path, line: nil, message: "styles.\(key) must be { fg = …, bg = …, attrs = […] }") }
            styles[role] = try style(entry, key: key, path: path)
        }
        // Roles left out take the text colours, so a theme never mixes in the terminal's own.
        let text = styles[.text] ?? .plain
        for role in Theme.Role.allCases where styles[role] == nil {
            let fallback = Theme.fallback[role]
            styles[role] = Style(foreground: text.foreground, background: text.background, attributes: fallback.attributes)
        }
        return Theme(name: table["name"]?.string ?? name, styles: styles)
    }

    private static func style(_ entry: TOMLTable, key: String, path: String) throws -> Style {
        func color(_ field: String) throws -> Color {
            guard let value = entry[field] else { return .default }
            guard let text = value.string, let color = Color(parsing: text) else {
                throw ConfigError(path: path, line: nil, message: "styles.\(key).\(field): '\(value)' is not a colour (#rrggbb, 0-255, a name, or default)")
            }
            return color
        }
        var names: [String] = []
        if let attrs = entry["attrs"] {
            guard let array = attrs.array else { throw ConfigError(path: path, line: nil, message: "styles.\(key).attrs must be a list") }
            names = array.compactMap { $0.string }
        }
        guard let attributes = Style.Attributes(names: names) else {
            throw ConfigError(path: path, line: nil, message: "styles.\(key).attrs: use bold, dim, italic, underline, reverse")
        }
        return Style(foreground: try color("fg"), background: try color("bg"), attributes: attributes)
    }
}
