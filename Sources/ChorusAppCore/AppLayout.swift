import ChorusTUI

/// Where each part of the screen goes, computed from the model in one place
/// and used by both `Update` (keys that move between panes) and `AppView`.
struct AppLayout {
    let status: Rect
    /// The thread list, when shown.
    let panel: Rect?
    /// Everything right of the thread list (and its separator).
    let chat: Rect
    /// The transcript, or the research view.
    let transcript: Rect
    /// The rule above the input and the input itself.
    let inputBlock: Rect

    init(_ m: AppModel) {
        let screen = Rect(x: 0, y: 0, width: m.width, height: m.height)
        let (main, status) = screen.splitRows(-1)
        self.status = status
        var chat = main
        let panelWidth = m.showThreadList ? ThreadListPanel.width(for: m.width) : 0
        if panelWidth > 0 {
            let (panel, rest) = main.splitColumns(panelWidth)
            self.panel = panel
            chat = Rect(x: rest.x + 1, y: rest.y, width: rest.width - 1, height: rest.height)
        } else {
            panel = nil
        }
        self.chat = chat
        let inner = Rect(x: chat.x + 1, y: chat.y, width: chat.width - 2, height: chat.height)
        let inputRows = m.editor.rowCount(width: max(1, inner.width), maxRows: min(8, max(1, inner.height / 3)))
        (transcript, inputBlock) = inner.splitRows(-(inputRows + 1))
    }
}
