import ChorusTUI
import Foundation

/// The bottom row: thread, model, the running graph's progress, hints or a notice.
enum StatusBar {
    static func render(_ m: AppModel, into buffer: inout Buffer, area: Rect) {
        let theme = m.theme
        buffer.fill(area, style: theme[.statusBar])
        var x = buffer.write(" chorus ", x: area.x, y: area.y, style: theme[.statusAccent], limit: area.maxX)
        x = buffer.write(" " + m.currentProvider + " ", x: x, y: area.y, style: theme[.statusBar], limit: area.maxX)
        if let fill = m.contextFill[m.current] {
            let full = fill.window.map { fill.used * 10 >= $0 * 9 } ?? false
            x = buffer.write("│ " + fill.label + " ", x: x, y: area.y, style: full ? theme[.statusAccent] : theme[.statusBar], limit: area.maxX)
        }
        if let spent = m.spent[m.current], spent.calls > 0 {
            let reply = m.replies[m.current] == nil ? m.lastReply[m.current].map { "reply " + UsageLabel.text($0) + " · " } ?? "" : ""
            x = buffer.write("│ " + reply + "thread " + UsageLabel.text(spent) + " ", x: x, y: area.y, style: theme[.statusBar], limit: area.maxX)
        }
        if let progress = m.replies[m.current] {
            let elapsed = max(0, m.now.timeIntervalSince(progress.startedAt))
            let node = progress.retry?.label(now: m.now) ?? progress.tool.map { "⚙ \($0)…" }
                ?? progress.node.map { "\($0) · step \(progress.step ?? 0)" } ?? "waiting for model"
            let text = String(format: "│ ● %@ · %.1fs · %d tok ", node, elapsed, progress.tokens)
            x = buffer.write(text, x: x, y: area.y, style: theme[.statusAccent], limit: area.maxX)
        }
        let others = m.replies.keys.filter { $0 != m.current }.count
        if others > 0 { x = buffer.write("│ \(others) streaming elsewhere ", x: x, y: area.y, style: theme[.statusBar], limit: area.maxX) }
        let hint: String
        if let pending = m.approvals[m.current] {
            hint = "⚙ \(pending.tool) \(pending.arguments) can change things: y allow · n deny · a always"
        } else if m.questions[m.current] != nil, m.replies[m.current] == nil, m.notice == nil {
            hint = "the run waits for your answer: type it, Enter resumes"
        } else if let notice = m.notice {
            hint = notice
        } else if m.transcript.scrollFromBottom > 0 {
            hint = "scrolled · End or Ctrl-Down to follow"
        } else {
            hint = "F1 help · Ctrl-B threads · Ctrl-K switch · Ctrl-Q quit"
        }
        let width = CellWidth.of(hint) + 1
        let start = max(x + 1, area.maxX - width)
        let loud = m.notice != nil || m.approvals[m.current] != nil || m.questions[m.current] != nil
        buffer.write(hint, x: start, y: area.y, style: loud ? theme[.statusAccent] : theme[.statusBar], limit: area.maxX)
    }
}
