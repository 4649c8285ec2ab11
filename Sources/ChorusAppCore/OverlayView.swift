import ChorusStore
import ChorusTUI

/// The boxes drawn over the chat: help (see `HelpOverlay`), quick switcher, search, rename,
/// delete confirmation, model picker, copy.
enum OverlayView {
    static func render(_ m: AppModel, into buffer: inout Buffer) {
        guard let overlay = m.overlay else { return }
        let theme = m.theme
        let screen = buffer.area
        func box(_ title: String, width: Int, height: Int) -> Rect {
            Box.draw(into: &buffer, area: screen.centered(width: width, height: height), title: title,
                     border: theme[.border], fill: theme[.overlay], titleStyle: theme[.overlayTitle])
        }
        switch overlay {
        case .help(let scroll):
            HelpOverlay.render(m, scroll: scroll, into: &buffer)
        case .switcher(let query, let selection):
            let matches = Update.switcherMatches(m, query.text)
            let inner = box("Switch thread", width: 64, height: min(screen.height - 2, 16))
            render(field: query, label: "› ", into: &buffer, at: inner, theme: theme)
            list(matches.map { SafeText.sanitize(m.threads[$0].displayTitle, keepNewlines: false) }, selection: selection,
                 into: &buffer, area: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1), theme: theme,
                 empty: m.threads.isEmpty ? "no saved threads yet" : "no match")
        case .search(let query, let hits, let selection):
            let inner = box("Search messages", width: 76, height: min(screen.height - 2, 18))
            render(field: query, label: "search: ", into: &buffer, at: inner, theme: theme)
            let titles = Dictionary(m.threads.map { ($0.id, $0.displayTitle) }, uniquingKeysWith: { a, _ in a })
            let rows = hits.map { hit in
                SafeText.sanitize((titles[hit.threadId] ?? "thread") + " — " + hit.snippet, keepNewlines: false)
            }
            list(rows, selection: selection, into: &buffer,
                 area: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1), theme: theme,
                 empty: query.isEmpty ? "type to search every message" : "no match")
        case .confirmDelete(let id):
            let title = SafeText.sanitize(m.threads.first { $0.id == id }?.displayTitle ?? "this thread", keepNewlines: false)
            let inner = box("Delete thread", width: 56, height: 5)
            buffer.write("Delete “\(title)”", x: inner.x + 1, y: inner.y, style: theme[.overlay], limit: inner.maxX - 1)
            buffer.write("and all its messages? y deletes, any other key keeps it", x: inner.x + 1, y: inner.y + 1, style: theme[.warning], limit: inner.maxX)
        case .rename(_, let title):
            let inner = box("Rename thread", width: 60, height: 4)
            render(field: title, label: "title: ", into: &buffer, at: inner, theme: theme)
            buffer.write("Enter saves · Esc cancels", x: inner.x + 1, y: inner.y + 1, style: theme[.dim], limit: inner.maxX)
        case .modelPicker(let selection):
            let inner = box(m.runnerName.prefix(1).uppercased() + m.runnerName.dropFirst() + " for this thread", width: 50, height: min(screen.height - 2, m.providerChoices.count + 3))
            list(m.providerChoices.map { $0 == m.currentProvider ? $0 + "  (current)" : $0 }, selection: selection, into: &buffer,
                 area: inner, theme: theme, empty: "no providers")
        case .tools(let selection):
            let inner = box("Tools · Space on/off · Esc closes", width: 64, height: min(screen.height - 2, max(1, m.toolList.count) + 2))
            let rows = m.toolList.map { "[\($0.enabled ? "x" : " ")] \($0.server) · \($0.name)\($0.asks ? "  (asks)" : "")" }
            list(rows, selection: selection, into: &buffer, area: inner, theme: theme,
                 empty: "no tools: add an [mcp.NAME] server to config.toml")
        case .copy:
            buffer.write(" copy: ↑↓ choose · Enter copies (clipboard + file) · Esc ", x: 1, y: 0, style: theme[.statusAccent], limit: screen.maxX)
        }
    }

    private static func render(field: TextEditor, label: String, into buffer: inout Buffer, at area: Rect, theme: Theme) {
        let x = buffer.write(label, x: area.x + 1, y: area.y, style: theme[.key], limit: area.maxX)
        field.render(into: &buffer, area: Rect(x: x, y: area.y, width: area.maxX - x, height: 1), style: theme[.input])
    }

    private static func list(_ rows: [String], selection: Int, into buffer: inout Buffer, area: Rect, theme: Theme, empty: String) {
        guard area.height > 0 else { return }
        if rows.isEmpty {
            buffer.write(empty, x: area.x + 1, y: area.y, style: theme[.dim], limit: area.maxX)
            return
        }
        let first = max(0, min(selection - area.height / 2, rows.count - area.height))
        for (offset, row) in rows.dropFirst(first).prefix(area.height).enumerated() {
            let style = first + offset == selection ? theme[.selection] : theme[.overlay]
            buffer.fill(Rect(x: area.x, y: area.y + offset, width: area.width, height: 1), style: style)
            buffer.write(row, x: area.x + 1, y: area.y + offset, style: style, limit: area.maxX - 1)
        }
    }
}
