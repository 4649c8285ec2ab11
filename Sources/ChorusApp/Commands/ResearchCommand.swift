import ChorusAgents
import ChorusAppCore
import ChorusGraph
import ChorusModels
import ChorusRuns
import ChorusSettings
import ChorusStore
import ChorusTools
import ChorusTUI
import Foundation

/// `chorus research "question"`: parallel research without a terminal UI.
/// Locally a planner splits the question into N sub-questions, researchers
/// answer them at most K at a time, a synthesizer writes the answer (see
/// `ResearchGraph`); with `server` the server's assistant runs it (its
/// `research` assistant on `{"question": …}`, or any graph given the question
/// as a message, its branches being whatever it fans out to). The run is
/// saved as a thread of kind `research`, so a run stopped midway resumes with
/// `resumeThread` without redoing finished branches.
///
/// Output: with `jsonl`, every run update as one JSON line
/// (`RunUpdateLine`, docs/run-updates.md, the same on both backends) and a
/// last `final` line with the `answer`; otherwise branch progress through
/// `progress` and the answer through `write`, sanitized for a terminal.
public struct ResearchCommand: Sendable {
    public var question: String
    /// Sub-questions; nil for `[research] branches`, else 4.
    public var branches: Int?
    /// Researchers in flight at once; nil for `[research] max_concurrency`, else 4.
    public var maxConcurrency: Int?
    /// Provider for every role; nil for each role's `[research]` provider, else the default.
    public var provider: String?
    public var model: String?
    public var baseURL: String?
    public var jsonl: Bool
    /// A research thread to resume instead of starting a new one (an id or a unique prefix).
    public var resumeThread: String?
    public var databasePath: String
    public var config: ChorusConfig
    /// `--mcp NAME`: only these MCP servers' tools (default: every enabled one); `--no-tools`: none.
    public var mcp: [String]
    public var noTools: Bool
    /// `--server`: the server whose assistant runs the research.
    public var server: ServerConnection?
    /// `--budget-tokens` / `--budget-usd`; each nil for `[research]`'s default, else none.
    public var budget: ResearchBudget

    public init(question: String, branches: Int? = nil, maxConcurrency: Int? = nil, provider: String? = nil, model: String? = nil,
                baseURL: String? = nil, jsonl: Bool = false, resumeThread: String? = nil, databasePath: String,
                config: ChorusConfig = ChorusConfig(), mcp: [String] = [], noTools: Bool = false, server: ServerConnection? = nil,
                budget: ResearchBudget = ResearchBudget()) {
        self.budget = budget
        self.mcp = mcp
        self.noTools = noTools
        self.question = question
        self.branches = branches
        self.maxConcurrency = maxConcurrency
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.jsonl = jsonl
        self.resumeThread = resumeThread
        self.databasePath = databasePath
        self.config = config
        self.server = server
    }

    /// Runs the research; `write` gets stdout text (JSON lines or the answer),
    /// `progress` stderr lines (without newline). Returns the thread id.
    @discardableResult
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void,
                    progress: @escaping @Sendable (String) -> Void) async throws -> String {
        guard (branches ?? 1) >= 1, (maxConcurrency ?? 1) >= 1 else { throw UsageError("branches and max concurrency must be at least 1") }
        guard (budget.tokens ?? 1) >= 1, (budget.usd ?? 1) > 0, budget.usd?.isFinite ?? true else {
            throw UsageError("--budget-tokens must be at least 1 and --budget-usd above 0")
        }
        if resumeThread == nil && question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EmptyQuestionError()
        }
        let (backend, runner) = try await self.backend(environment: environment)
        do {
            let threadId = try await research(on: backend, runner: runner, write: write, progress: progress)
            await backend.stop()
            return threadId
        } catch {
            await backend.stop()
            throw error
        }
    }

    private func backend(environment: [String: String]) async throws -> (any ThreadBackend, String) {
        if let server {
            guard budget.isEmpty else {
                throw UsageError("--budget-tokens and --budget-usd cap the local engine's research; a server's graph keeps its own limits")
            }
            _ = try await server.check()
            return (RemoteBackend(client: server.client, assistant: server.assistant, drafts: nil), server.assistant)
        }
        let local = LocalBackend(database: try ChorusDatabase(path: databasePath), environment: environment, config: config,
                                 flags: ProviderFlags(provider: provider, model: model, baseURL: baseURL),
                                 tools: try ToolSelection.specs(config: config, named: mcp, disabled: noTools),
                                 research: ResearchFlags(branches: branches, maxConcurrency: maxConcurrency, provider: provider, budget: budget))
        // Fails now, before a thread is saved, when a role's provider cannot be built (a missing key) or a dollar budget has no prices.
        _ = try local.researchModels()
        _ = try local.researchBudget()
        return (local, "research")
    }

    private func research(on backend: any ThreadBackend, runner: String, write: @escaping @Sendable (String) -> Void,
                          progress: @escaping @Sendable (String) -> Void) async throws -> String {
        let threadId: String
        if let resumeThread {
            guard let thread = try? await backend.thread(resumeThread), thread.kind == .research else {
                throw UsageError("no research thread \(resumeThread)")
            }
            threadId = thread.id
        } else {
            threadId = try await backend.createThread(title: question, kind: .research, runner: runner).id
        }
        let updates = backend.research(threadId: threadId, question: resumeThread == nil ? question : nil, runner: runner, control: ResearchControl())
        var text = TextProgress()
        var runId: String?
        var streamed = ""
        var final: Value = .null
        var spend = RunSpend()
        do {
            for try await update in updates {
                spend.handle(update)
                if case .started(let id) = update { runId = id }
                if case .token(let token) = update, token.isResearchAnswer { streamed += token.text }
                if case .finished(let state) = update { final = state }
                if jsonl { write(RunUpdateLine.json(update, runId: runId, ts: Date().timeIntervalSince1970) + "\n") }
                else { text.handle(update, write: write, progress: progress) }
            }
        } catch {
            await updates.settled()
            if !jsonl, spend.total.calls > 0 { progress("chorus: " + TextProgress.usageLine(spend)) }
            throw error
        }
        // The research graph's answer, else what followed the branches, else the last message.
        let research = StateView<ResearchGraph.State>(final), chat = StateView<ChatGraph.State>(final)
        let answer = ((try? research.answer) ?? nil).flatMap { $0.isEmpty ? nil : $0 } ?? (streamed.isEmpty ? nil : streamed)
            ?? (try? chat.messages.last?.content) ?? ""
        if jsonl {
            write(RunUpdateLine.final(threadId: threadId, answer: answer, findings: ((try? research.findings) ?? []).stateValue,
                                      usage: spend.value, runId: runId, ts: Date().timeIntervalSince1970) + "\n")
        } else {
            // What the graph added after the streamed answer (e.g. the failed branches), or all of it when nothing streamed.
            let rest = answer.hasPrefix(streamed) ? String(answer.dropFirst(streamed.count)) : "\n" + answer
            write(SafeText.sanitize(rest) + "\n")
            if spend.total.calls > 0 { progress("chorus: " + TextProgress.usageLine(spend)) }
        }
        return threadId
    }

    /// Branch progress lines and the streamed answer, all sanitized. The research
    /// graph says how its branches go; another graph's branches are told as they open.
    struct TextProgress {
        var branchOfTask: [String: Int] = [:]
        /// Whether the research graph reported its plan.
        var planned = false

        /// `budget reached: 1523 of 1000 tokens, $0.0021 of $0.50; branches stopped with what they had`.
        static func budgetLine(_ spent: ResearchProgress.Budget) -> String {
            var parts: [String] = []
            if let max = spent.maxTokens { parts.append("\(spent.tokens) of \(max) tokens") }
            if let max = spent.maxUSD { parts.append(String(format: "$%.4f of $%.2f", spent.usd, max)) }
            let what = parts.joined(separator: ", ")
            return spent.reached ? "chorus: budget reached: \(what); branches stopped with what they had" : "chorus: budget: \(what) spent"
        }

        /// `used 4210 tokens (1024 cached) in 6 model calls, $0.0123; branches: [1] 812 tokens, [2] …`.
        static func usageLine(_ spend: RunSpend) -> String {
            let usage = spend.total
            var line = "used \(usage.totalTokens) tokens"
            if usage.cachedInputTokens > 0 { line += " (\(usage.cachedInputTokens) cached)" }
            line += " in \(usage.calls) model call\(usage.calls == 1 ? "" : "s")"
            if let cost = usage.costUSD { line += String(format: ", $%.4f", cost) }
            let branches = spend.byBranch.sorted { $0.key < $1.key }.map { index, tally -> String in
                let cost = tally.costUSD.map { String(format: " $%.4f", $0) } ?? ""
                return "[\(index)] \(tally.totalTokens) tokens\(cost)"
            }
            return branches.isEmpty ? line : line + "; branches: " + branches.joined(separator: ", ")
        }

        mutating func handle(_ update: RunUpdate, write: (String) -> Void, progress: (String) -> Void) {
            switch update {
            case .nodeStarted(let task) where task.node == ResearchGraph.planner.rawValue:
                progress("planning…")
            case .nodeStarted(let task) where task.node == ResearchGraph.synthesizer.rawValue:
                progress("synthesizing…")
            case .custom(_, let task, let data):
                switch try? ResearchProgress(stateValue: data) {
                case .plan?: planned = true
                case .budget(let spent)?:
                    progress(Self.budgetLine(spent))
                case .branch(let branch)?:
                    planned = true
                    if let task { branchOfTask[task] = branch.index }
                    var line = "[\(branch.index)/\(branch.of)] \(branch.status.rawValue): \(branch.subQuestion)"
                    if let error = branch.error { line += " (\(error))" }
                    progress(SafeText.sanitize(line, keepNewlines: false))
                case nil: break
                }
            case .branchOpened(let branch, _, _) where !planned:
                progress("chorus: \(SafeText.sanitize(branch, keepNewlines: false)) started")
            case .branchesDone where !planned:
                progress("chorus: branches done")
            case .retrying(let retry):
                progress(RetryLine.text(who: retry.node ?? "model", reason: retry.reason, delay: retry.delay, attempt: retry.attempt, maxAttempts: retry.maxAttempts))
            case .toolStarted(let call):
                let branch = call.task.flatMap { branchOfTask[$0] }.map { "[\($0)] " } ?? ""
                progress(SafeText.sanitize("\(branch)tool \(call.name) \(JSON.serialize(call.input))", keepNewlines: false))
            case .token(let token) where token.isResearchAnswer:
                write(SafeText.sanitize(token.text))
            case .warning(let line):
                progress("chorus: " + SafeText.sanitize(line, keepNewlines: false))
            case .rejoined(let attempt, let attempts, let reason):
                progress("chorus: " + RetryLine.rejoin(attempt: attempt, of: attempts, reason: reason))
            default:
                break
            }
        }
    }
}
