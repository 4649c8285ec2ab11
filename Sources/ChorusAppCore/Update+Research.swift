import ChorusStore
import ChorusTUI

extension Update {
    /// Keys on the research view when the input is empty: move between
    /// panes, zoom one, page, cancel a branch or the run, resume, transcript.
    static func researchKey(_ m: inout AppModel, _ key: Key) -> [Effect]? {
        guard m.editor.isEmpty, let threadId = m.current.threadId, var state = m.currentResearch else { return nil }
        let count = state.branches.count
        // The grid the view draws: the research view's area, less its header and answer.
        let columns = ResearchView.grid(count: count, area: ResearchView.regions(state, in: AppLayout(m).transcript).grid).columns
        var effects: [Effect] = []
        switch key {
        case .left: state.focus = max(0, state.focus - 1)
        case .right: state.focus = min(max(0, count - 1), state.focus + 1)
        case .up: state.focus = max(0, state.focus - columns)
        case .down: state.focus = min(max(0, count - 1), state.focus + columns)
        case .pageDown: state.focus = min(max(0, count - 1), state.focus + ResearchView.maxPanes)
        case .pageUp: state.focus = max(0, state.focus - ResearchView.maxPanes)
        case .enter: state.zoomed.toggle()
        case .character("c") where state.onServer:
            m.notice = "a server's branches cannot be stopped one by one; Esc cancels the run"
            return []
        case .character("c"):
            guard state.isActive, state.focus < count, state.branches[state.focus].status == .queued || state.branches[state.focus].status == .running else {
                m.notice = "that branch is not running"
                return []
            }
            effects = [.cancelBranch(threadId: threadId, index: state.branches[state.focus].index)]
            m.notice = "cancelling branch \(state.branches[state.focus].index)"
        case .character("r"):
            guard m.currentThread?.kind == .research, state.phase == .cancelled || state.phase != .done && !state.isActive else { return [] }
            state.phase = .researching
            state.endedAt = nil
            effects = [.resumeResearch(threadId: threadId)]
        case .character("t"):
            m.researchTranscript = true
            return []
        case .escape:
            if state.zoomed {
                state.zoomed = false
            } else if state.isActive {
                state.phase = .cancelled
                state.endedAt = m.now
                effects = [.cancelReply(m.current)]
            } else {
                return nil
            }
        default:
            return nil
        }
        m.research[m.current] = state
        return effects
    }
}

extension Update {
    /// A reply's run that fans out: the thread shows a pane per branch, live.
    static func fanOut(_ m: inout AppModel, _ threadId: String, _ event: FanOutEvent) -> [Effect] {
        let id = ThreadKey.thread(threadId)
        if m.research[id] == nil || m.research[id]?.isActive == false, case .opened = event {
            let question = m.conversations[id]?.last(where: { $0.role == .user })?.text ?? ""
            var state = ResearchState(question: SafeText.sanitize(question, keepNewlines: false), maxConcurrency: 0, startedAt: m.now)
            state.phase = .researching
            state.onServer = true
            m.research[id] = state
            if id == m.current { m.researchTranscript = false }
            // The branches' tokens go to their panes, not to the reply.
            if let entryId = m.replies[id]?.entryId, let index = m.conversations[id]?.lastIndex(where: { $0.id == entryId }) {
                m.conversations[id]?[index].text = ""
            }
        }
        switch event {
        case .opened(let branch): m.research[id]?.openBranch(branch, now: m.now)
        case .token(let branch, let text):
            m.research[id]?.appendBranch(branch, text: text)
            m.replies[id]?.tokens += 1
        case .branchesDone: m.research[id]?.finishBranches(now: m.now)
        case .answer(let text):
            m.research[id]?.appendAnswer(text)
            // What follows the branches is the reply the transcript keeps.
            if let entryId = m.replies[id]?.entryId, let index = m.conversations[id]?.lastIndex(where: { $0.id == entryId }) {
                m.conversations[id]?[index].text += SafeText.sanitize(text)
            }
        }
        return []
    }
}
