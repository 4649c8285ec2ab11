import ChorusStore
import ChorusTUI
import Foundation

extension Update {
    /// Keys while a box is open over the chat.
    static func overlayKey(_ m: inout AppModel, _ key: Key) -> [Effect] {
        guard let overlay = m.overlay else { return [] }
        switch overlay {
        case .help(let scroll):
            let page = max(1, m.height - 4)
            switch key {
            case .up: m.overlay = .help(scroll: max(0, scroll - 1))
            case .down: m.overlay = .help(scroll: min(HelpOverlay.maxScroll(m), scroll + 1))
            case .pageUp: m.overlay = .help(scroll: max(0, scroll - page))
            case .pageDown: m.overlay = .help(scroll: min(HelpOverlay.maxScroll(m), scroll + page))
            default: m.overlay = nil
            }
        case .switcher(var query, let selection):
            let matches = switcherMatches(m, query.text)
            switch key {
            case .escape: m.overlay = nil
            case .up: m.overlay = .switcher(query: query, selection: max(0, selection - 1))
            case .down: m.overlay = .switcher(query: query, selection: min(max(0, matches.count - 1), selection + 1))
            case .enter:
                m.overlay = nil
                m.focus = .input
                if selection < matches.count { return switchTo(&m, .thread(m.threads[matches[selection]].id)) }
            default:
                if edit(&query, key) { m.overlay = .switcher(query: query, selection: 0) }
            }
        case .search(var query, let hits, let selection):
            switch key {
            case .escape: m.overlay = nil
            case .up: m.overlay = .search(query: query, hits: hits, selection: max(0, selection - 1))
            case .down: m.overlay = .search(query: query, hits: hits, selection: min(max(0, hits.count - 1), selection + 1))
            case .enter:
                m.overlay = nil
                m.focus = .input
                if selection < hits.count { return switchTo(&m, .thread(hits[selection].threadId)) }
            default:
                if edit(&query, key) {
                    m.overlay = .search(query: query, hits: hits, selection: 0)
                    return [.search(query.text)]
                }
            }
        case .confirmDelete(let id):
            switch key {
            case .character("y"), .character("Y"):
                m.overlay = nil
                m.threads.removeAll { $0.id == id }
                let key = ThreadKey.thread(id)
                m.conversations[key] = nil
                m.listSelection = min(m.listSelection, max(0, m.threads.count - 1))
                var effects: [Effect] = []
                if m.replies[key] != nil { effects.append(.cancelReply(key)); m.replies[key] = nil }
                effects.append(.delete(threadId: id))
                if m.current == key { effects += switchTo(&m, .draft) }
                m.notice = "thread deleted"
                return effects
            default:
                m.overlay = nil
            }
        case .rename(let id, var title):
            switch key {
            case .escape: m.overlay = nil
            case .enter:
                m.overlay = nil
                let text = title.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { return [] }
                if let index = m.threads.firstIndex(where: { $0.id == id }) { m.threads[index].title = text }
                return [.rename(threadId: id, title: text)]
            default:
                if edit(&title, key) { m.overlay = .rename(threadId: id, title: title) }
            }
        case .modelPicker(let selection):
            switch key {
            case .escape: m.overlay = nil
            case .up: m.overlay = .modelPicker(selection: max(0, selection - 1))
            case .down: m.overlay = .modelPicker(selection: min(max(0, m.providerChoices.count - 1), selection + 1))
            case .enter:
                m.overlay = nil
                guard selection < m.providerChoices.count else { return [] }
                let name = m.providerChoices[selection]
                m.notice = "model: \(name)"
                guard let id = m.current.threadId else {
                    m.draftProvider = name
                    return []
                }
                if let index = m.threads.firstIndex(where: { $0.id == id }) { m.threads[index].provider = name }
                return [.setProvider(threadId: id, provider: name)]
            default: break
            }
        case .tools(let selection):
            switch key {
            case .escape, .enter: m.overlay = nil
            case .up: m.overlay = .tools(selection: max(0, selection - 1))
            case .down: m.overlay = .tools(selection: min(max(0, m.toolList.count - 1), selection + 1))
            case .character(" "):
                guard selection < m.toolList.count else { return [] }
                m.toolList[selection].enabled.toggle()
                let row = m.toolList[selection]
                m.notice = "\(row.name) \(row.enabled ? "on" : "off") for this session"
                return [.setToolEnabled(name: row.name, enabled: row.enabled)]
            default: break
            }
        case .copy(let index):
            let entries = m.entries
            switch key {
            case .escape: m.overlay = nil
            case .up: m.overlay = .copy(index: max(0, index - 1))
            case .down: m.overlay = .copy(index: min(max(0, entries.count - 1), index + 1))
            case .enter, .character("y"):
                m.overlay = nil
                guard index < entries.count else { return [] }
                return [.copy(entries[index].text)]
            default: break
            }
        }
        return []
    }

    /// Pasted text goes into the open box's field.
    static func overlayText(_ m: inout AppModel, _ text: String) -> [Effect] {
        switch m.overlay {
        case .switcher(var query, _):
            query.insert(text)
            m.overlay = .switcher(query: query, selection: 0)
        case .search(var query, let hits, _):
            query.insert(text)
            m.overlay = .search(query: query, hits: hits, selection: 0)
            return [.search(query.text)]
        case .rename(let id, var title):
            title.insert(text)
            m.overlay = .rename(threadId: id, title: title)
        default: break
        }
        return []
    }

    /// One-line field editing; true when the key was an edit.
    private static func edit(_ field: inout TextEditor, _ key: Key) -> Bool {
        switch key {
        case .character(let ch): field.insert(String(ch))
        case .backspace: field.backspace()
        case .delete: field.deleteForward()
        case .left: field.left()
        case .right: field.right()
        case .home, .ctrl("a"): field.lineStart()
        case .end, .ctrl("e"): field.lineEnd()
        case .ctrl("w"): field.deleteWordBackward()
        case .ctrl("u"): field.deleteToLineStart()
        default: return false
        }
        return true
    }

    /// Thread indices matching the switcher's query, best first.
    static func switcherMatches(_ m: AppModel, _ query: String) -> [Int] {
        FuzzyMatch.rank(query, m.threads.map { SafeText.sanitize($0.displayTitle, keepNewlines: false) })
    }
}
