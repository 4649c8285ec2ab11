import ChorusStore
import ChorusTUI
import Foundation

extension Update {
    /// Keys while typing in the chat: bound actions first, then editing.
    static func chatKey(_ m: inout AppModel, _ key: Key) -> [Effect] {
        switch key {
        case .character("?") where m.editor.isEmpty:
            m.overlay = .help(scroll: 0)
            return []
        case .ctrl("d") where m.editor.isEmpty:
            return quit(&m)
        case .ctrl("c"):
            return m.isReplying ? cancel(&m) : quit(&m)
        default:
            break
        }
        if let effects = researchKey(&m, key) { return effects }
        if m.researchTranscript, m.research[m.current] != nil, m.editor.isEmpty, key == .character("t") {
            m.researchTranscript = false
            return []
        }
        if case .character(let character) = key, let effects = answerApproval(&m, character) { return effects }
        if let action = m.keymap.action(for: key) { return perform(&m, action) }
        m.focus = .input
        switch key {
        case .character(let ch): m.editor.insert(String(ch)); m.historyIndex = nil
        case .backspace: m.editor.backspace()
        case .delete: m.editor.deleteForward()
        case .left: m.editor.left()
        case .right: m.editor.right()
        case .home, .ctrl("a"): m.editor.lineStart()
        case .end, .ctrl("e"): m.editor.lineEnd()
        case .ctrlLeft, .alt("b"): m.editor.wordLeft()
        case .ctrlRight, .alt("f"): m.editor.wordRight()
        case .ctrl("w"): m.editor.deleteWordBackward()
        case .ctrl("u"): m.editor.deleteToLineStart()
        case .up:
            if m.editor.isEmpty || m.historyIndex != nil { browseHistory(&m, by: -1) } else if !m.editor.lineUp() { m.transcript.scroll(by: 1) }
        case .down:
            if m.historyIndex != nil { browseHistory(&m, by: 1) } else if !m.editor.lineDown() { m.transcript.scroll(by: -1) }
        default: break
        }
        return []
    }

    static func perform(_ m: inout AppModel, _ action: Action) -> [Effect] {
        let page = max(1, transcriptHeight(m) - 2)
        switch action {
        case .send: return send(&m)
        case .newline: m.editor.insert("\n")
        case .cancel:
            if m.isReplying { return cancel(&m) }
            if m.focus == .threadList { m.focus = .input } else { m.transcript.scrollFromBottom = 0 }
        case .newThread: return newThread(&m)
        case .nextThread: return moveThread(&m, by: 1)
        case .previousThread: return moveThread(&m, by: -1)
        case .quickSwitcher: m.overlay = .switcher(query: TextEditor(), selection: 0)
        case .toggleThreadList:
            m.showThreadList.toggle()
            if !m.showThreadList { m.focus = .input }
        case .searchThreads: m.overlay = .search(query: TextEditor(), hits: [], selection: 0)
        case .help: m.overlay = .help(scroll: 0)
        case .quit: return quit(&m)
        case .regenerate: return regenerate(&m)
        case .editLast: return editLast(&m)
        case .copyMode:
            if m.entries.isEmpty { m.notice = "nothing to copy yet" } else { m.overlay = .copy(index: m.entries.count - 1) }
        case .nextTheme:
            if let index = m.themes.firstIndex(where: { $0.name == m.theme.name }), !m.themes.isEmpty {
                m.theme = m.themes[(index + 1) % m.themes.count]
            } else if let first = m.themes.first {
                m.theme = first
            }
            m.notice = "theme: \(m.theme.name)"
        case .pickModel:
            m.overlay = .modelPicker(selection: m.providerChoices.firstIndex(of: m.currentProvider) ?? 0)
        case .focusThreadList:
            if m.showThreadList { m.focus = m.focus == .input ? .threadList : .input }
        case .scrollUp: m.transcript.scroll(by: page)
        case .scrollDown: m.transcript.scroll(by: -page)
        case .scrollTop: m.transcript.scrollFromBottom = Int.max / 2
        case .scrollBottom: m.transcript.scrollFromBottom = 0
        case .pickTools:
            m.overlay = .tools(selection: 0)
            return [.loadTools]
        case .toggleToolDetails:
            m.transcript.toolsExpanded.toggle()
            m.notice = m.transcript.toolsExpanded ? "tool calls shown whole" : "tool calls shown one line each"
        default:
            if let n = action.threadNumber, n <= m.threads.count { return switchTo(&m, .thread(m.threads[n - 1].id)) }
        }
        return []
    }

    static func quit(_ m: inout AppModel) -> [Effect] {
        m.quitting = true
        return keepDraft(&m) + [.quit]
    }

    private static func browseHistory(_ m: inout AppModel, by delta: Int) {
        guard !m.history.isEmpty else { return }
        let index = (m.historyIndex ?? m.history.count) + delta
        if index >= m.history.count {
            m.historyIndex = nil
            m.editor.setText("")
        } else {
            m.historyIndex = max(0, index)
            m.editor.setText(m.history[max(0, index)])
        }
    }

    /// Keys while the thread list has focus; nil lets the chat handle the key.
    static func listKey(_ m: inout AppModel, _ key: Key) -> [Effect]? {
        let count = m.threads.count
        switch key {
        case .up, .character("k"):
            m.listSelection = max(0, m.listSelection - 1)
        case .down, .character("j"):
            m.listSelection = min(max(0, count - 1), m.listSelection + 1)
        case .enter:
            guard m.listSelection < count else { return [] }
            m.focus = .input
            return switchTo(&m, .thread(m.threads[m.listSelection].id))
        case .character("r"):
            guard m.listSelection < count else { return [] }
            let thread = m.threads[m.listSelection]
            m.overlay = .rename(threadId: thread.id, title: TextEditor(text: thread.title ?? ""))
        case .character("d"), .delete:
            guard m.listSelection < count else { return [] }
            m.overlay = .confirmDelete(threadId: m.threads[m.listSelection].id)
        case .character("a"):
            guard m.listSelection < count else { return [] }
            let id = m.threads[m.listSelection].id
            m.threads.remove(at: m.listSelection)
            m.listSelection = min(m.listSelection, max(0, m.threads.count - 1))
            m.notice = "archived (chorus threads list --all shows it)"
            var effects: [Effect] = [.archive(threadId: id)]
            if m.current == .thread(id) { effects += switchTo(&m, .draft) }
            return effects
        case .character("/"):
            m.overlay = .switcher(query: TextEditor(), selection: 0)
        case .escape:
            m.focus = .input
        case .character:
            return []
        default:
            return nil
        }
        return []
    }

    static func transcriptHeight(_ m: AppModel) -> Int {
        max(1, m.height - 2 - m.editor.rowCount(width: max(1, m.width - (m.showThreadList ? ThreadListPanel.width(for: m.width) : 0) - 2), maxRows: 8))
    }
}
