import ChorusTUI

/// Draws the model into a buffer the size of the terminal: a function of
/// the model that changes nothing in it. (The transcript fills its memo of
/// rendered lines, which never changes what is drawn.) Scroll positions are
/// the model's; update keeps them in range (`Update.settleView`).
public enum AppView {
    public static func render(_ m: AppModel) -> Buffer {
        var buffer = Buffer(width: m.width, height: m.height, fill: Cell(" ", style: m.theme[.text]))
        guard m.width > 0, m.height > 2 else { return buffer }
        let layout = AppLayout(m)
        StatusBar.render(m, into: &buffer, area: layout.status)
        let chat = layout.chat
        if let panel = layout.panel {
            ThreadListPanel.render(m, into: &buffer, area: panel)
            for y in panel.y..<panel.maxY { buffer.write("│", x: panel.maxX, y: y, style: m.theme[.border]) }
        }
        let (transcriptArea, inputBlock) = (layout.transcript, layout.inputBlock)
        var linesAbove = 0
        if let research = m.currentResearch {
            ResearchView.render(research, now: m.now, theme: m.theme, into: &buffer, area: transcriptArea)
        } else {
            linesAbove = m.transcript.render(m.entries, selected: m.copySelectionId, into: &buffer, area: transcriptArea, theme: m.theme).linesAbove
            if m.entries.isEmpty { welcome(m, into: &buffer, area: transcriptArea) }
        }
        let (rule, inputArea) = inputBlock.splitRows(1)
        buffer.write(String(repeating: "─", count: chat.width), x: chat.x, y: rule.y, style: m.theme[.border], limit: chat.maxX)
        if linesAbove > 0, m.transcript.scrollFromBottom > 0 {
            buffer.write(" ↑ \(linesAbove) more ", x: rule.x + 1, y: rule.y, style: m.theme[.dim], limit: rule.maxX)
        }
        let placeholder: String
        if let research = m.research[m.current], research.onServer {
            placeholder = research.isActive ? "←→↑↓ pane · Enter zoom · Esc stop run · t transcript"
                : "←→↑↓ pane · Enter zoom · t transcript · a message continues the thread"
        } else if let research = m.research[m.current] {
            placeholder = research.isActive ? "←→↑↓ pane · Enter zoom · c cancel branch · Esc stop run · t transcript"
                : "←→↑↓ pane · Enter zoom · r resume · t transcript · /research QUESTION starts another"
        } else if m.questions[m.current] != nil, !m.isReplying {
            placeholder = "Your answer (Enter resumes the run)"
        } else {
            placeholder = m.isReplying ? "replying… Esc cancels" : "Message (Enter sends, Ctrl-J new line, /research QUESTION, F1 help)"
        }
        m.editor.render(into: &buffer, area: inputArea, style: m.theme[.input], placeholder: placeholder, placeholderStyle: m.theme[.inputPlaceholder])
        if m.focus != .input { buffer.cursor = nil }
        if m.overlay != nil {
            buffer.cursor = nil
            OverlayView.render(m, into: &buffer)
        }
        return buffer
    }

    private static func welcome(_ m: AppModel, into buffer: inout Buffer, area: Rect) {
        let intro = "Type a message and press Enter, or /research QUESTION for a parallel research run. Ctrl-T new thread, Ctrl-K switch, Ctrl-F search, Ctrl-O \(m.runnerName), F5 theme, F1 all keys."
        let width = min(area.width - 2, 64)
        let lines = [StyledLine("Chorus — chat with \(m.currentProvider)", style: m.theme[.heading]), StyledLine()]
            + WordWrap.wrap(intro, width: max(1, width), style: m.theme[.dim])
        for (i, line) in lines.enumerated() where area.height / 3 + i < area.height {
            let x = area.x + max(0, (area.width - line.width) / 2)
            buffer.write(line, x: x, y: area.y + area.height / 3 + i, limit: area.maxX)
        }
    }
}
