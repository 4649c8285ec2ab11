import ChorusTUI
import Foundation

/// The research view: the question, a progress strip, a grid of branch
/// panes that adapts to the terminal (up to 16 at once, the rest a page
/// away), and the answer as it is written.
enum ResearchView {
    /// At most this many panes on screen.
    static let maxPanes = 16

    static func render(_ state: ResearchState, now: Date, theme: Theme, into buffer: inout Buffer, area: Rect) {
        buffer.fill(area, style: theme[.text])
        guard area.height >= 3 else { return }
        buffer.write("Research: " + state.question, x: area.x, y: area.y, style: theme[.heading], limit: area.maxX)
        buffer.write(strip(state, now: now), x: area.x, y: area.y + 1, style: theme[.dim], limit: area.maxX)
        if state.zoomed, state.focus < state.branches.count {
            pane(state.branches[state.focus], focused: true, now: now, theme: theme, into: &buffer,
                 area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2))
            return
        }
        let (body, answer) = regions(state, in: area)
        if let answer { renderAnswer(state, theme: theme, into: &buffer, area: answer) }
        if state.branches.isEmpty {
            buffer.write(state.phase == .planning ? "planning the sub-questions…" : "", x: body.x + 1, y: body.y, style: theme[.dim], limit: body.maxX)
            return
        }
        let layout = grid(count: state.branches.count, area: body)
        let first = visibleStart(state, perPage: layout.columns * layout.rows)
        for slot in 0..<(layout.columns * layout.rows) {
            let index = first + slot
            guard index < state.branches.count else { break }
            let column = slot % layout.columns, row = slot / layout.columns
            let x = body.x + column * body.width / layout.columns
            let nextX = body.x + (column + 1) * body.width / layout.columns
            let y = body.y + row * layout.paneHeight
            pane(state.branches[index], focused: index == state.focus, now: now, theme: theme, into: &buffer,
                 area: Rect(x: x, y: y, width: nextX - x, height: layout.paneHeight))
        }
        let hidden = state.branches.count - min(state.branches.count, layout.columns * layout.rows)
        if hidden > 0 {
            buffer.write(" \(first + 1)–\(min(state.branches.count, first + layout.columns * layout.rows)) of \(state.branches.count) · PgUp/PgDn ",
                         x: body.x + 1, y: body.maxY - 1, style: theme[.statusAccent], limit: body.maxX)
        }
    }

    /// The pane grid's area and, once the answer is being written, the answer's,
    /// below the two header lines of `area` (the view's whole area).
    static func regions(_ state: ResearchState, in area: Rect) -> (grid: Rect, answer: Rect?) {
        let body = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(0, area.height - 2))
        guard !state.answer.isEmpty || state.phase == .synthesizing else { return (body, nil) }
        // As tall as the answer needs (with its box), within a share of the screen.
        let needed = MarkdownRenderer(theme: .fallback, width: max(1, body.width - 2)).render(state.answer).count + 2
        let answerRows = max(4, min(needed, state.phase == .done ? body.height * 3 / 5 : body.height / 3))
        let (grid, answer) = body.splitRows(-min(body.height, answerRows))
        return (grid, answer)
    }

    /// Columns, rows and pane height for `count` panes in `area`.
    static func grid(count: Int, area: Rect) -> (columns: Int, rows: Int, paneHeight: Int) {
        let visible = min(count, maxPanes)
        let columns = max(1, min(4, area.width / 34, visible))
        let wantedRows = (visible + columns - 1) / columns
        let rows = max(1, min(wantedRows, area.height / 4))
        return (columns, rows, max(3, area.height / rows))
    }

    /// The first pane shown: the page holding the focused pane.
    static func visibleStart(_ state: ResearchState, perPage: Int) -> Int {
        guard perPage > 0 else { return 0 }
        return (state.focus / perPage) * perPage
    }

    static func strip(_ state: ResearchState, now: Date) -> String {
        let elapsed = (state.endedAt ?? now).timeIntervalSince(state.startedAt)
        let phase: String
        let retrying = state.retry.map { " " + $0.label(now: now) } ?? ""
        switch state.phase {
        case .planning: phase = "● planner" + retrying
        case .researching: phase = state.onServer ? "● branches" : "● researcher"
        case .synthesizing: phase = "● synthesizer" + retrying
        case .done: phase = "✓ done"
        case .cancelled: phase = "■ stopped (r resumes)"
        case .failed(let why): phase = "✗ failed: " + why
        }
        let done = state.branches.filter { $0.status == .done }.count
        let failed = state.branches.filter { $0.status == .failed }.count
        let stopped = state.branches.filter { $0.status == .stopped }.count
        var tail = stopped > 0 ? " · stopped \(stopped)" : ""
        if state.usage.calls > 0 { tail += " · " + UsageLabel.text(state.usage) }
        if let budget = state.budget, budget.reached { tail += " · budget reached" }
        if state.onServer {
            return String(format: "%@ · running %d · done %d · failed %d%@ · %.1fs", phase, state.running, done, failed, tail, elapsed)
        }
        return String(format: "%@ · step %d · in flight %d/%d · queued %d · done %d · failed %d%@ · %.1fs",
                      phase, state.step, state.running, state.maxConcurrency, state.queued, done, failed, tail, elapsed)
    }

    static func pane(_ branch: ResearchState.Branch, focused: Bool, now: Date, theme: Theme, into buffer: inout Buffer, area: Rect) {
        let border: Style
        switch branch.status {
        case .queued: border = theme[.dim]
        case .running: border = theme[.assistantLabel]
        case .done: border = theme[.success]
        case .failed: border = theme[.error]
        case .stopped: border = theme[.warning]
        }
        var elapsed = ""
        if let start = branch.startedAt { elapsed = String(format: " %.1fs", (branch.endedAt ?? now).timeIntervalSince(start)) }
        let status = branch.retry?.label(now: now, attempts: false) ?? branch.tool.map { "⚙ \($0)" } ?? branch.status.rawValue
        let tools = branch.toolCalls > 0 ? " · \(branch.toolCalls) tool\(branch.toolCalls == 1 ? "" : "s")" : ""
        // Streamed tokens while it runs; what the provider counted (and its cost) once it has.
        let spent = branch.usage.calls > 0 ? UsageLabel.text(branch.usage) : "\(branch.tokens) tok"
        let title = "[\(branch.index)] \(status)\(elapsed) \(spent)\(tools)"
        let inner = Box.draw(into: &buffer, area: area, title: focused ? "▶ " + title : title,
                             border: focused ? border.adding(.bold) : border, fill: theme[.text], titleStyle: focused ? theme[.statusAccent] : border)
        guard inner.height > 0, inner.width > 0 else { return }
        var lines = WordWrap.wrap(branch.subQuestion, width: inner.width, style: theme[.dim])
        let shown = branch.status == .stopped && !branch.text.isEmpty ? nil : branch.error
        let wrapped = shown.map { WordWrap.wrap((branch.status == .stopped ? "" : "error: ") + $0, width: inner.width, style: theme[.error]) }
            ?? MarkdownRenderer(theme: theme, width: inner.width).render(tail(branch.text, fitting: inner))
        let room = max(0, inner.height - min(lines.count, 2))
        lines = Array(lines.prefix(2)) + Array(wrapped.suffix(room))
        for (i, line) in lines.prefix(inner.height).enumerated() {
            buffer.write(line, x: inner.x, y: inner.y + i, limit: inner.maxX)
        }
    }

    /// The end of a branch's text, a little more than the pane holds: a live
    /// pane shows only its last lines, and 16 panes re-render every frame.
    static func tail(_ text: String, fitting area: Rect) -> Substring {
        let budget = max(200, area.width * (area.height + 2))
        let utf8 = text.utf8
        guard utf8.count > budget else { return text[...] }
        var start = utf8.index(utf8.endIndex, offsetBy: -budget)
        // Start at a line or word boundary so the first shown line is not a cut word.
        while start < utf8.endIndex, utf8[start] != 0x20, utf8[start] != 0x0A { start = utf8.index(after: start) }
        return text[start...]
    }

    static func renderAnswer(_ state: ResearchState, theme: Theme, into buffer: inout Buffer, area: Rect) {
        let inner = Box.draw(into: &buffer, area: area, title: state.phase == .done ? "Answer" : "Answer (writing…)",
                             border: theme[.border], fill: theme[.text], titleStyle: theme[.heading])
        guard inner.height > 0 else { return }
        let lines = MarkdownRenderer(theme: theme, width: inner.width).render(state.answer)
        for (i, line) in lines.suffix(inner.height).enumerated() {
            buffer.write(line, x: inner.x, y: inner.y + i, limit: inner.maxX)
        }
    }
}
