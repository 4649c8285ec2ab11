import ChorusTUI

extension Update {
    /// Keys on the research view when the input is empty: move between
    /// panes, zoom one, page, cancel a branch or the run, resume, transcript.
    static func researchKey(_ m: inout AppModel, _ key: Key) -> [Effect]? {
        guard m.editor.isEmpty, var state = m.currentResearch else { return nil }
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
        case .character("c"):
            guard state.isActive, state.focus < count, state.branches[state.focus].status == .queued || state.branches[state.focus].status == .running else {
                m.notice = "that branch is not running"
                return []
            }
            effects = [.cancelBranch(threadId: m.current, index: state.branches[state.focus].index)]
            m.notice = "cancelling branch \(state.branches[state.focus].index)"
        case .character("r"):
            guard state.phase == .cancelled || state.phase != .done && !state.isActive else { return [] }
            state.phase = .researching
            state.endedAt = nil
            effects = [.resumeResearch(threadId: m.current)]
        case .character("t"):
            m.researchTranscript = true
            return []
        case .escape:
            if state.zoomed {
                state.zoomed = false
            } else if state.isActive {
                state.phase = .cancelled
                state.endedAt = m.now
                effects = [.cancelReply(threadKey: m.current)]
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
