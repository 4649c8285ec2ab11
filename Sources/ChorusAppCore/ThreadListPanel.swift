import ChorusStore
import ChorusTUI
import Foundation

/// The thread list at the left: titles by latest activity, the open thread
/// marked, streaming threads with a dot, the highlighted row when focused.
enum ThreadListPanel {
    /// Columns the panel takes at a terminal `width` (0 when too narrow to show it).
    static func width(for total: Int) -> Int {
        total < 50 ? 0 : min(32, max(18, total / 4))
    }

    static func render(_ m: AppModel, into buffer: inout Buffer, area: Rect) {
        let theme = m.theme
        buffer.fill(area, style: theme[.panel])
        let focused = m.focus == .threadList
        buffer.write(focused ? " Threads (focused)" : " Threads", x: area.x, y: area.y, style: theme[.panelTitle], limit: area.maxX)
        var rows: [(key: ThreadKey, title: String, kind: ThreadKind)] = []
        if m.current == .draft { rows.append((.draft, "New thread", .chat)) }
        for thread in m.threads { rows.append((.thread(thread.id), SafeText.sanitize(thread.displayTitle, keepNewlines: false), thread.kind)) }
        let visible = area.height - 1
        guard visible > 0 else { return }
        let selectedRow = focused ? m.listSelection + (m.current == ThreadKey.draft ? 1 : 0) : rows.firstIndex { $0.key == m.current } ?? 0
        let first = max(0, min(selectedRow - visible / 2, rows.count - visible))
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let index = first + offset
            let y = area.y + 1 + offset
            let isCurrent = row.key == m.current
            let style = (focused ? index == selectedRow : isCurrent) ? theme[.panelSelected] : theme[.panel]
            buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
            let marker = m.replies[row.key] != nil ? "● " : isCurrent ? "› " : "  "
            let number = index - (m.current == ThreadKey.draft ? 1 : 0)
            let prefix = (1...9).contains(number + 1) && row.key != ThreadKey.draft ? "\(number + 1) " : "  "
            let kind = row.kind == .research ? "⧉ " : ""
            buffer.write(marker + prefix + kind + row.title, x: area.x, y: y, style: style, limit: area.maxX)
        }
    }
}
