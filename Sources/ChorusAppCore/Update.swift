import ChorusRuns
import ChorusStore
import ChorusTUI
import Foundation

/// The only code that changes the model: one message in, effects out.
public enum Update {
    public static func update(_ m: inout AppModel, _ msg: Msg) -> [Effect] {
        let effects = apply(&m, msg)
        settleView(&m)
        return effects
    }

    /// Keeps the scroll positions the view reads in range, on the layout the
    /// view draws: the input box follows its caret, and a scrolled transcript
    /// stops at its top and keeps copy mode's selection in view.
    static func settleView(_ m: inout AppModel) {
        let layout = AppLayout(m)
        let input = layout.inputBlock.splitRows(1).1
        m.editor.reveal(width: input.width, height: input.height)
        let selected = m.copySelectionId
        if m.currentResearch == nil, m.transcript.scrollFromBottom > 0 || selected != nil {
            m.transcript.settle(m.entries, selected: selected, width: layout.transcript.width, height: layout.transcript.height, theme: m.theme)
        }
    }

    private static func apply(_ m: inout AppModel, _ msg: Msg) -> [Effect] {
        switch msg {
        case .terminal(let event):
            return terminal(&m, event)
        case .frame:
            return []
        case .tick(let date):
            m.now = date
            return []
        case .threadsLoaded(let records):
            m.threads = records
            m.listSelection = min(m.listSelection, max(0, records.count - 1))
            return []
        case .draftsLoaded(let drafts):
            m.drafts.merge(drafts) { mine, _ in mine }
            if m.editor.isEmpty, let text = m.drafts[m.current] { m.editor.setText(text) }
            return []
        case .transcriptLoaded(let threadId, let entries):
            let id = ThreadKey.thread(threadId)
            let local = m.conversations[id] ?? []
            let replaced = min(local.count, m.transcriptReads.removeValue(forKey: id) ?? local.count)
            // A message sent since the read was asked for (and its reply, streaming or done) is newer
            // than what was read: it stays, after the entries read, unless the read already holds it.
            let read = Set(entries.map(\.id))
            m.conversations[id] = entries + local[replaced...].filter { !read.contains($0.id) }
            if m.contextFill[id] == nil, let tokens = entries.last(where: { $0.role == .assistant && $0.tokens != nil })?.tokens {
                m.contextFill[id] = ContextFill(used: tokens, window: nil)
            }
            // The saved replies, and any reply still streaming since (its usage is not saved yet).
            m.spent[id] = TranscriptMapping.spent(entries)
            if let live = m.replies[id]?.usage, !read.contains(m.replies[id]?.entryId ?? "") { m.spent[id, default: UsageTally()].add(live) }
            // Asked again below if the thread still waits.
            if m.replies[id] == nil { m.questions[id] = nil }
            return []
        case .threadCreated(let record):
            m.threads.removeAll { $0.id == record.id }
            m.threads.insert(record, at: 0)
            m.conversations[.thread(record.id)] = m.conversations.removeValue(forKey: .draft)
            m.replies[.thread(record.id)] = m.replies.removeValue(forKey: .draft)
            if m.current == .draft { m.current = .thread(record.id) }
            return []
        case .token(let threadId, let messageId, let text, let node, let step):
            let id = ThreadKey.thread(threadId)
            guard var progress = m.replies[id] else { return [] }
            // After a tool call the model speaks again: a new entry below the tool blocks.
            if progress.entryId.isEmpty || m.conversations[id]?.last?.role == .tool {
                m.conversations[id, default: []].append(TranscriptEntry(id: messageId, role: .assistant, label: m.provider(of: id), text: "", status: .streaming))
                progress.entryId = messageId
                progress.tool = nil
            }
            guard let index = m.conversations[id]?.lastIndex(where: { $0.id == progress.entryId }) else { return [] }
            // In place: a long conversation is not copied per token.
            // The first token names the message as the store will know it.
            if messageId != progress.entryId {
                m.conversations[id]![index].id = messageId
                progress.entryId = messageId
            }
            m.conversations[id]![index].text += SafeText.sanitize(text)
            progress.tokens += 1
            progress.node = node
            progress.step = step
            progress.retry = nil
            m.replies[id] = progress
            return []
        case .retrying(let threadId, let retry):
            m.replies[.thread(threadId)]?.retry = retry
            return []
        case .usageReported(let threadId, let usage):
            let id = ThreadKey.thread(threadId)
            if let input = usage.inputTokens {
                // A window said once stays known for the thread's later calls that do not repeat it.
                m.contextFill[id] = ContextFill(used: input + (usage.outputTokens ?? 0), window: usage.contextWindow ?? m.contextFill[id]?.window)
            }
            m.spent[id, default: UsageTally()].add(usage)
            m.replies[id]?.usage.add(usage)
            return []
        case .toolStarted, .toolEnded, .inputNeeded, .toolsListed, .toolsLoaded:
            return tools(&m, msg)
        case .fanOut(let id, let event):
            return fanOut(&m, id, event)
        case .replyEnded(let id, let entryId, let outcome):
            if m.research[id]?.isActive == true, m.threads.first(where: { $0.id == id.threadId })?.kind != .research { m.research[id]?.finish(outcome, now: m.now) }
            // A cancelled reply was closed when Esc was pressed; a newer reply keeps streaming.
            if let progress = m.replies[id], progress.entryId == entryId || progress.entryId.isEmpty || m.conversations[id]?.last?.role == .tool {
                if progress.usage.calls > 0 { m.lastReply[id] = progress.usage }
                if progress.entryId.isEmpty || m.conversations[id]?.last?.role == .tool {
                    m.replies[id] = nil
                    return [.loadThreads]
                }
                m.replies[id] = nil
                if var entries = m.conversations[id], let index = entries.lastIndex(where: { $0.id == entryId }) {
                    switch outcome {
                    case .done: entries[index].status = .done
                    case .cancelled: entries[index].status = .cancelled
                    case .failed(let reason): entries[index].status = .failed(SafeText.sanitize(reason, keepNewlines: false))
                    }
                    m.conversations[id] = entries
                }
            }
            return [.loadThreads]
        case .searchResults(let query, let hits):
            if case .search(let editor, _, _) = m.overlay, editor.text == query {
                m.overlay = .search(query: editor, hits: hits, selection: 0)
            }
            return []
        case .researchStarted(let record, let state):
            m.threads.removeAll { $0.id == record.id }
            m.threads.insert(record, at: 0)
            m.research[.thread(record.id)] = state
            return switchTo(&m, .thread(record.id))
        case .researchUpdate(let threadId, let update):
            m.research[.thread(threadId)]?.apply(update, now: m.now)
            return []
        case .researchEnded(let threadId, let outcome):
            if m.research[.thread(threadId)]?.isActive == true { m.research[.thread(threadId)]?.finish(outcome, now: m.now) }
            return [.loadThreads]
        case .researchLoaded(let threadId, let state):
            if m.research[.thread(threadId)]?.isActive != true { m.research[.thread(threadId)] = state }
            return []
        case .notice(let message):
            m.notice = SafeText.sanitize(message, keepNewlines: false)
            return []
        case .runMail:
            // The runtime takes the mail and hands each message over by itself.
            return []
        }
    }

    private static func terminal(_ m: inout AppModel, _ event: TerminalEvent) -> [Effect] {
        switch event {
        case .resize(let width, let height):
            m.width = width
            m.height = height
            return []
        case .wheel(let lines):
            m.transcript.scroll(by: -lines)
            return []
        case .stop(let signal):
            // Quitting cancels what streams; the runtime saves it (marked cancelled) before exiting.
            m.stoppedBy = signal
            return quit(&m)
        case .paste(let text):
            let clean = SafeText.sanitize(text)
            if m.overlay != nil { return overlayText(&m, clean.replacingOccurrences(of: "\n", with: " ")) }
            m.focus = .input
            m.editor.insert(clean)
            return []
        case .key(let key):
            m.notice = nil
            if m.overlay != nil { return overlayKey(&m, key) }
            if m.focus == .threadList, let effects = listKey(&m, key) { return effects }
            return chatKey(&m, key)
        }
    }

    // MARK: actions shared by keys and overlays

    /// Shows thread `id` (or the draft), loading its transcript or research state.
    static func switchTo(_ m: inout AppModel, _ id: ThreadKey) -> [Effect] {
        guard id != m.current else { return [] }
        // The input belongs to the thread it was typed in.
        var effects = keepDraft(&m)
        m.current = id
        // Only the thread on screen and threads still streaming keep their transcript
        // in memory; the others are read again when shown, so visiting many threads
        // does not grow the app.
        m.conversations = m.conversations.filter { $0.key == id || $0.key == .draft || m.replies[$0.key] != nil }
        m.editor.setText(m.drafts[id] ?? "")
        m.transcript.reset()
        m.historyIndex = nil
        m.researchTranscript = false
        guard let threadId = id.threadId else { return effects }
        if let index = m.threads.firstIndex(where: { $0.id == threadId }) { m.listSelection = index }
        if m.threads.first(where: { $0.id == threadId })?.kind == .research, m.research[id]?.isActive != true {
            effects.append(.loadResearch(threadId: threadId))
        }
        if m.conversations[id] == nil || m.replies[id] == nil {
            m.transcriptReads[id] = m.conversations[id]?.count ?? 0
            effects.append(.loadTranscript(threadId: threadId))
        }
        return effects
    }

    /// Saves the current thread's unsent input when it changed since last saved.
    static func keepDraft(_ m: inout AppModel) -> [Effect] {
        let text = m.editor.text
        guard (m.drafts[m.current] ?? "") != text else { return [] }
        m.drafts[m.current] = text.isEmpty ? nil : text
        return [.saveDraft(m.current, text: text)]
    }

    static func send(_ m: inout AppModel) -> [Effect] {
        let text = m.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        if text == "/tools" {
            m.remember(text)
            m.editor.setText("")
            return keepDraft(&m) + [.listTools]
        }
        if text == "/compact" {
            guard let threadId = m.current.threadId, m.currentThread?.kind != .research else {
                m.notice = "/compact works in a chat thread that has messages"
                return []
            }
            guard m.replies[m.current] == nil else {
                m.notice = "wait for the reply to end, or Esc, then /compact"
                return []
            }
            m.remember(text)
            m.editor.setText("")
            m.notice = "compacting…"
            return keepDraft(&m) + [.compact(threadId: threadId, provider: m.provider(of: m.current))]
        }
        if text.hasPrefix("/research") {
            let question = text.dropFirst("/research".count).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !question.isEmpty else {
                m.notice = "usage: /research QUESTION"
                return []
            }
            m.remember(text)
            m.editor.setText("")
            return keepDraft(&m) + [.startResearch(question: question)]
        }
        if m.currentThread?.kind == .research {
            m.notice = "a research thread takes no chat messages: /research QUESTION starts another, Ctrl-T a chat"
            return []
        }
        if m.isReplying {
            m.notice = "a reply is streaming; Esc cancels it"
            return []
        }
        if m.questions[m.current] != nil {
            m.remember(text)
            return answerQuestion(&m, text)
        }
        // The panes of the last run that fanned out give way to the conversation.
        m.research[m.current] = nil
        let userId = "user-" + UUID().uuidString.lowercased()
        let entryId = "pending-" + UUID().uuidString.lowercased()
        let provider = m.currentProvider
        var entries = m.entries
        entries.append(TranscriptEntry(id: userId, role: .user, label: "You", text: SafeText.sanitize(text)))
        entries.append(TranscriptEntry(id: entryId, role: .assistant, label: provider, text: "", status: .streaming))
        m.conversations[m.current] = entries
        m.replies[m.current] = ReplyProgress(entryId: entryId, startedAt: m.now)
        m.remember(text)
        m.historyIndex = nil
        m.editor.setText("")
        m.transcript.scrollFromBottom = 0
        return keepDraft(&m) + [.startReply(m.current, userId: userId, text: text, entryId: entryId, provider: provider)]
    }

    static func cancel(_ m: inout AppModel) -> [Effect] {
        guard let progress = m.replies.removeValue(forKey: m.current) else { return [] }
        if var entries = m.conversations[m.current], let index = entries.lastIndex(where: { $0.id == progress.entryId }) {
            entries[index].status = .cancelled
            m.conversations[m.current] = entries
        }
        return [.cancelReply(m.current)]
    }

    static func regenerate(_ m: inout AppModel) -> [Effect] {
        guard !m.isReplying, let threadId = m.current.threadId, var entries = m.conversations[m.current] else { return [] }
        guard let last = entries.last, last.role == .assistant else {
            m.notice = "nothing to regenerate"
            return []
        }
        entries.removeLast()
        let entryId = "pending-" + UUID().uuidString.lowercased()
        let provider = m.currentProvider
        entries.append(TranscriptEntry(id: entryId, role: .assistant, label: provider, text: "", status: .streaming))
        m.conversations[m.current] = entries
        m.replies[m.current] = ReplyProgress(entryId: entryId, startedAt: m.now)
        m.transcript.scrollFromBottom = 0
        return [.regenerate(threadId: threadId, removing: [last.id], entryId: entryId, provider: provider)]
    }

    static func editLast(_ m: inout AppModel) -> [Effect] {
        guard !m.isReplying, var entries = m.conversations[m.current],
              let index = entries.lastIndex(where: { $0.role == .user }) else { return [] }
        let removed = entries[index...].map(\.id)
        m.editor.setText(entries[index].text)
        entries.removeSubrange(index...)
        m.conversations[m.current] = entries
        m.focus = .input
        return m.current.threadId.map { [.removeMessages(threadId: $0, ids: removed)] } ?? []
    }

    static func moveThread(_ m: inout AppModel, by delta: Int) -> [Effect] {
        guard !m.threads.isEmpty else { return [] }
        let index = m.threads.firstIndex { $0.id == m.current.threadId }
        let next: Int
        if let index { next = (index + delta + m.threads.count) % m.threads.count } else { next = delta > 0 ? 0 : m.threads.count - 1 }
        return switchTo(&m, .thread(m.threads[next].id))
    }

    static func newThread(_ m: inout AppModel) -> [Effect] {
        if m.replies[.draft] == nil, m.conversations[.draft]?.isEmpty == false { m.conversations[.draft] = [] }
        return switchTo(&m, .draft)
    }
}
