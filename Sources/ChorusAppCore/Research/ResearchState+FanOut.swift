import ChorusTUI
import Foundation

/// A run that fans out, shown as research: a pane per branch, named after
/// its node, and what follows the branches as the answer.
extension ResearchState {
    /// A branch started streaming: a pane named `name`, running.
    mutating func openBranch(_ name: String, now: Date) {
        guard !branches.contains(where: { $0.subQuestion == name }) else { return }
        var branch = Branch(index: branches.count + 1, subQuestion: SafeText.sanitize(name, keepNewlines: false))
        branch.status = .running
        branch.startedAt = now
        branches.append(branch)
        phase = .researching
        peakRunning = max(peakRunning, running)
    }

    mutating func appendBranch(_ name: String, text: String) {
        guard let i = branches.firstIndex(where: { $0.subQuestion == name }) else { return }
        branches[i].text += SafeText.sanitize(text)
        branches[i].tokens += 1
    }

    /// The branches' step ended: every running pane is done.
    mutating func finishBranches(now: Date) {
        for i in branches.indices where branches[i].status == .running {
            branches[i].status = .done
            branches[i].endedAt = now
        }
    }

    mutating func appendAnswer(_ text: String) {
        phase = .synthesizing
        answer += SafeText.sanitize(text)
    }

    /// The run ended as `outcome`.
    mutating func finish(_ outcome: ReplyOutcome, now: Date) {
        switch outcome {
        case .done:
            finishBranches(now: now)
            phase = .done
        case .cancelled:
            phase = .cancelled
        case .failed(let reason):
            phase = .failed(SafeText.sanitize(reason, keepNewlines: false))
        }
        endedAt = now
    }
}
