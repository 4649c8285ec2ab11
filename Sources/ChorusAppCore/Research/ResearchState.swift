import ChorusAgents
import ChorusGraph
import ChorusRuns
import ChorusTUI
import Foundation

/// A research run as the research view shows it: the plan, one pane per
/// branch, the answer, and the graph's progress. Built from run updates (live)
/// or from a saved run's state.
public struct ResearchState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case planning, researching, synthesizing, done, cancelled
        case failed(String)
    }

    /// One sub-question's pane.
    public struct Branch: Sendable, Equatable {
        /// `stopped`: cut short by the run's budget, keeping what it had found.
        public enum Status: String, Sendable { case queued, running, done, failed, stopped }
        public var index: Int
        public var subQuestion: String
        public var status: Status = .queued
        public var text = ""
        public var tokens = 0
        public var startedAt: Date?
        public var endedAt: Date?
        public var error: String?
        /// Set while the branch's model call waits to be tried again.
        public var retry: ProviderRetry?
        /// The tool the branch is calling now, if any.
        public var tool: String?
        /// Tool calls the branch made.
        public var toolCalls = 0
        /// The branch's model calls, added up.
        public var usage = UsageTally()
    }

    public var question: String
    public var phase: Phase = .planning
    public var branches: [Branch] = []
    public var answer = ""
    public var maxConcurrency: Int
    public var step = 0
    public var startedAt: Date
    public var endedAt: Date?
    /// Branch by the task that runs it, learned from its first event.
    var branchOfTask: [String: Int] = [:]
    /// Set while the planner's or synthesizer's model call waits to be tried again.
    public var retry: ProviderRetry?
    /// Highest number of branches running at once so far.
    public var peakRunning = 0
    /// The pane with focus (0-based), and whether it fills the screen.
    public var focus = 0
    public var zoomed = false
    /// First pane shown when there are more than fit.
    public var firstVisible = 0
    /// A LangGraph server runs it: branches are named after their node,
    /// there is no concurrency limit to show, and one branch cannot be stopped alone.
    public var onServer = false
    /// Every model call of the run (planner, branches, synthesizer), added up.
    public var usage = UsageTally()
    /// What the run spent against its budget, once the research graph says (before its answer).
    public var budget: ResearchProgress.Budget?

    public init(question: String, maxConcurrency: Int, startedAt: Date) {
        self.question = question
        self.maxConcurrency = maxConcurrency
        self.startedAt = startedAt
    }

    public var running: Int { branches.filter { $0.status == .running }.count }
    public var queued: Int { branches.filter { $0.status == .queued }.count }
    public var isActive: Bool {
        switch phase {
        case .planning, .researching, .synthesizing: return true
        default: return false
        }
    }

    /// Applies one run update. The research graph reports its plan and each
    /// branch's progress (custom updates, tied to the branch's task where the
    /// backend says which); any other run that fans out gets a pane per branch,
    /// named after its node, and what follows the branches is the answer.
    public mutating func apply(_ update: RunUpdate, now: Date) {
        switch update {
        case .nodeStarted(let task):
            step = max(step, task.step)
            if task.node == ResearchGraph.synthesizer.rawValue { phase = .synthesizing }
        case .custom(_, let task?, let data):
            switch try? ResearchProgress(stateValue: data) {
            case .plan(let plan)?:
                branches = plan.enumerated().map { Branch(index: $0.offset + 1, subQuestion: SafeText.sanitize($0.element, keepNewlines: false)) }
                phase = .researching
            case .branch(let progress)?:
                branchOfTask[task] = progress.index
                apply(progress, now: now)
            case .budget(let spent)?:
                budget = spent
            case nil:
                break
            }
        case .branchOpened(let branch, _, let task):
            if branchOfTask[task] == nil { openBranch(branch, now: now) }
        case .token(let token):
            step = max(step, token.step)
            if token.isResearchAnswer {
                appendAnswer(token.text)
                retry = nil
            } else if let i = branchIndex(of: token.task) {
                branches[i].text += SafeText.sanitize(token.text)
                branches[i].tokens += 1
                branches[i].retry = nil
            } else if case .branch(let branch) = token.part {
                appendBranch(branch, text: token.text)
            }
        case .branchesDone:
            finishBranches(now: now)
        case .retrying(let attempt):
            let pending = ProviderRetry(attempt: attempt.attempt, maxAttempts: attempt.maxAttempts, at: now.addingTimeInterval(attempt.delay), reason: attempt.reason)
            if let i = branchIndex(of: attempt.task) { branches[i].retry = pending } else { retry = pending }
        case .toolStarted(let call):
            if let i = branchIndex(of: call.task) {
                branches[i].tool = SafeText.sanitize(call.name, keepNewlines: false)
                branches[i].toolCalls += 1
            }
        case .toolEnded(let result):
            if let i = branchIndex(of: result.task) { branches[i].tool = nil }
        case .nodeEnded(let task, _):
            if let i = branchIndex(of: task.id) { branches[i].retry = nil; branches[i].tool = nil } else { retry = nil }
        case .finished(let state):
            if let full = (try? StateView<ResearchGraph.State>(state).answer) ?? nil, !full.isEmpty { answer = SafeText.sanitize(full) }
            finish(.done, now: now)
        case .failed(let message):
            finish(.failed(message), now: now)
        case .usage(let call):
            usage.add(call)
            if let i = branchIndex(of: call.task) { branches[i].usage.add(call) }
        case .started, .custom, .interrupted, .warning, .rejoined:
            break
        }
    }

    /// A branch's status change, from its progress report.
    private mutating func apply(_ progress: ResearchProgress.Branch, now: Date) {
        guard let i = branches.firstIndex(where: { $0.index == progress.index }) else {
            branches.append(Branch(index: progress.index, subQuestion: SafeText.sanitize(progress.subQuestion, keepNewlines: false)))
            return apply(progress, now: now)
        }
        let status: Branch.Status = switch progress.status {
        case .running: .running
        case .done: .done
        case .failed: .failed
        case .stopped: .stopped
        }
        branches[i].status = status
        branches[i].retry = nil
        if status == .running { branches[i].startedAt = now; branches[i].text = ""; branches[i].tokens = 0 }
        if status == .done || status == .failed || status == .stopped { branches[i].endedAt = now }
        if let error = progress.error { branches[i].error = SafeText.sanitize(error, keepNewlines: false) }
        peakRunning = max(peakRunning, running)
    }

    /// The pane of the branch that runs in `task`, if any.
    private func branchIndex(of task: String?) -> Int? {
        guard let task, let index = branchOfTask[task] else { return nil }
        return branches.firstIndex { $0.index == index }
    }

    /// The state of a saved run (its plan, findings and answer). Keys that
    /// are missing or unreadable show as empty: a run stopped early has few.
    public init(saved values: Value, maxConcurrency: Int, at date: Date) {
        let saved = StateView<ResearchGraph.State>(values)
        self.init(question: SafeText.sanitize((try? saved.question) ?? "", keepNewlines: false), maxConcurrency: maxConcurrency, startedAt: date)
        let plan = ((try? saved.subQuestions) ?? nil) ?? []
        branches = plan.enumerated().map { Branch(index: $0.offset + 1, subQuestion: SafeText.sanitize($0.element, keepNewlines: false)) }
        for finding in (try? saved.findings) ?? [] {
            guard let i = branches.firstIndex(where: { $0.index == finding.index }) else { continue }
            branches[i].status = switch finding.status {
            case .done: .done
            case .failed: .failed
            case .stopped: .stopped
            }
            branches[i].text = SafeText.sanitize(finding.text)
            branches[i].error = finding.error.map { SafeText.sanitize($0, keepNewlines: false) }
        }
        answer = SafeText.sanitize(((try? saved.answer) ?? nil) ?? "")
        if !answer.isEmpty {
            phase = .done
        } else {
            phase = .cancelled  // stopped before the end; it can be resumed
        }
        endedAt = date
    }
}

extension RunToken {
    /// A token of a research run's answer: the synthesizer's, or what follows
    /// the branches of another graph that fans out.
    public var isResearchAnswer: Bool { part == .answer || node == ResearchGraph.synthesizer.rawValue }
}
