import ChorusAgents
import ChorusGraph
import ChorusStore
import ChorusTUI

/// Tool calls in a chat: blocks in the transcript, the approval asked
/// before a tool that can change things, and `/tools`.
extension Update {
    static func tools(_ m: inout AppModel, _ msg: Msg) -> [Effect] {
        switch msg {
        case .toolStarted(let threadId, let callId, let name, let arguments):
            let id = ThreadKey.thread(threadId)
            guard var progress = m.replies[id] else { return [] }
            // The model's words before the call stay as they are; an empty reply entry goes.
            if var entries = m.conversations[id], let index = entries.lastIndex(where: { $0.id == progress.entryId }) {
                if entries[index].text.isEmpty { entries.remove(at: index) } else { entries[index].status = .done }
                m.conversations[id] = entries
            }
            m.conversations[id, default: []].append(TranscriptMapping.toolEntry(id: "tool-" + callId, name: name, arguments: arguments, result: nil, status: .streaming))
            progress.entryId = ""
            progress.tool = SafeText.sanitize(name, keepNewlines: false)
            m.replies[id] = progress
            return []
        case .toolEnded(let threadId, let callId, let output, let seconds):
            let id = ThreadKey.thread(threadId)
            if var entries = m.conversations[id], let index = entries.lastIndex(where: { $0.id == "tool-" + callId }) {
                entries[index].text += "\n" + SafeText.sanitize(output)
                entries[index].status = .done
                entries[index].label += " · " + Self.duration(seconds)
                m.conversations[id] = entries
            }
            m.replies[id]?.tool = nil
            return []
        case .toolsLoaded(let rows):
            m.toolList = rows
            return []
        case .inputNeeded(let threadId, .approval(let pending)):
            m.approvals[.thread(threadId)] = pending
            return []
        case .inputNeeded(let threadId, .question(let prompt)):
            let id = ThreadKey.thread(threadId)
            guard m.questions[id] != prompt else { return [] }
            m.questions[id] = prompt
            // A run that stopped before saying anything leaves no empty reply behind.
            if let last = m.conversations[id]?.last, last.role == .assistant, last.text.isEmpty { m.conversations[id]?.removeLast() }
            m.conversations[id, default: []].append(TranscriptEntry(id: "question-" + String(m.conversations[id]?.count ?? 0),
                                                                    role: .notice, label: "asks", text: prompt))
            return []
        case .toolsListed(let lines):
            let text = lines.map { SafeText.sanitize($0, keepNewlines: false) }.joined(separator: "\n")
            m.conversations[m.current, default: []].append(TranscriptEntry(id: "tools-" + String(m.conversations[m.current]?.count ?? 0),
                                                                            role: .notice, label: "tools", text: text))
            return []
        default:
            return []
        }
    }

    /// `y`, `n` or `a` typed on empty input while the thread waits for an approval.
    static func answerApproval(_ m: inout AppModel, _ character: Character) -> [Effect]? {
        guard m.editor.isEmpty, let threadId = m.current.threadId, let pending = m.approvals[m.current], m.replies[m.current] == nil else { return nil }
        let answer: ToolApproval.Answer
        switch character {
        case "y", "Y": answer = .approve
        case "a", "A": answer = .always
        case "n", "N": answer = .decline
        default: return nil
        }
        m.approvals[m.current] = nil
        let verdict = answer == .decline ? "declined" : answer == .always ? "allowed for this thread" : "allowed"
        m.conversations[m.current, default: []].append(TranscriptEntry(id: "approval-" + String(m.conversations[m.current]?.count ?? 0),
                                                                        role: .notice, label: "⚙ " + pending.tool, text: verdict))
        m.replies[m.current] = ReplyProgress(entryId: "", startedAt: m.now)
        m.transcript.scrollFromBottom = 0
        return [.answer(threadId: threadId, .approval(answer), provider: m.currentProvider)]
    }

    /// Enter while the thread waits at an `interrupt()`: the input is the answer and the run goes on.
    static func answerQuestion(_ m: inout AppModel, _ text: String) -> [Effect] {
        guard let threadId = m.current.threadId else { return [] }
        m.questions[m.current] = nil
        m.conversations[m.current, default: []].append(TranscriptEntry(id: "answer-" + String(m.conversations[m.current]?.count ?? 0),
                                                                        role: .user, label: "You", text: SafeText.sanitize(text)))
        m.replies[m.current] = ReplyProgress(entryId: "", startedAt: m.now)
        m.editor.setText("")
        m.transcript.scrollFromBottom = 0
        return keepDraft(&m) + [.answer(threadId: threadId, .text(text), provider: m.currentProvider)]
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }
}
