import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusTools
import ChorusTUI
import Foundation

/// `chorus research "question"`: parallel research without a terminal UI.
/// A planner splits the question into N sub-questions, researchers answer
/// them at most K at a time, a synthesizer writes the answer (see
/// `ResearchGraph`). The run is saved as a thread of kind `research`, so a
/// run stopped midway resumes with `resumeThread` without redoing finished
/// branches.
///
/// Output: with `jsonl`, every run event as one JSON line (`event`,
/// `run_id`, `ts`, and `node`, `task`, `step` … for task events) and a last
/// `final` line with the `answer`; otherwise branch progress through
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
    /// A research thread to resume instead of starting a new one.
    public var resumeThread: String?
    public var databasePath: String
    public var config: ChorusConfig
    /// `--mcp NAME`: only these MCP servers' tools (default: every enabled one); `--no-tools`: none.
    public var mcp: [String]
    public var noTools: Bool

    public init(question: String, branches: Int? = nil, maxConcurrency: Int? = nil, provider: String? = nil, model: String? = nil,
                baseURL: String? = nil, jsonl: Bool = false, resumeThread: String? = nil, databasePath: String,
                config: ChorusConfig = ChorusConfig(), mcp: [String] = [], noTools: Bool = false) {
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
    }

    /// Runs the research; `write` gets stdout text (JSON lines or the answer),
    /// `progress` stderr lines (without newline). Returns the thread id.
    @discardableResult
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void,
                    progress: @escaping @Sendable (String) -> Void) async throws -> String {
        let n = branches ?? config.research.branches ?? 4
        let k = maxConcurrency ?? config.research.maxConcurrency ?? 4
        guard n >= 1, k >= 1 else { throw UsageError("branches and max concurrency must be at least 1") }
        if resumeThread == nil && question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EmptyQuestionError()
        }
        func model(_ role: String?) throws -> any ChatModel {
            try ModelCatalog.model(provider: provider ?? role, model: self.model, baseURL: baseURL, environment: environment, config: config)
        }
        let planner = try model(config.research.planner)
        let researcher = try model(config.research.researcher)
        let synthesizer = try model(config.research.synthesizer)

        let database = try ChorusDatabase(path: databasePath)
        let store = ThreadStore(database: database)
        let threadId: String
        let input: RunInput
        if let resumeThread {
            guard let thread = try await store.get(resumeThread), thread.kind == .research else {
                throw UsageError("no research thread \(resumeThread)")
            }
            threadId = thread.id
            input = .continue
        } else {
            threadId = try await store.create(title: question, kind: .research, provider: researcher.displayName).id
            input = .state(ResearchGraph.State.input(question: question))
        }
        let specs = try ToolSelection.specs(config: config, named: mcp, disabled: noTools)
        let toolbox = specs.isEmpty ? nil : MCPToolbox(specs: specs)
        do {
            var tools: [AgentTool] = []
            if let toolbox {
                let catalog = await toolbox.agentTools()
                tools = catalog.tools
                for line in catalog.unavailable { progress("chorus: " + SafeText.sanitize(line, keepNewlines: false)) }
            }
            let graph = try ResearchGraph.make(planner: planner, researcher: researcher, synthesizer: synthesizer, branches: n,
                                               checkpointer: SQLiteCheckpointer(database: database), tools: tools)
            var lines = JSONLines()
            var text = TextProgress()
            for try await event in graph.events(input, config: RunConfig(threadId: threadId, maxConcurrency: k, tags: ["research"])) {
                if jsonl { lines.handle(event, write: write) } else { text.handle(event, write: write, progress: progress) }
            }
            await toolbox?.stop()
        } catch {
            await toolbox?.stop()
            throw error
        }
        return threadId
    }

    /// Events as JSON lines; the researcher's branch number is added to its task's events.
    struct JSONLines {
        var branchOfTask: [String: Int] = [:]
        /// When each running tool call started (event id → timestamp), for `duration_ms`.
        var toolStarts: [String: Double] = [:]

        mutating func handle(_ event: RunEvent, write: (String) -> Void) {
            var o: [String: Value] = ["run_id": .string(event.runId), "ts": .double(event.timestamp), "id": .string(event.id),
                                      "parent_ids": .array(event.parentIds.map { .string($0) })]
            if let node = event.node { o["node"] = .string(node) }
            if let task = event.task {
                o["task"] = .string(task)
                o["namespace"] = .array(event.namespace.map { .string($0) })
            }
            if let step = event.step { o["step"] = .int(step) }
            if !event.tags.isEmpty { o["tags"] = .array(event.tags.map { .string($0) }) }
            switch event.kind {
            case .runStart: o["event"] = "run_start"
            case .runEnd(let output):
                o["event"] = "run_end"
                write(JSON.serialize(.object(o)) + "\n")
                let state = StateView<ResearchGraph.State>(output)
                let final: Value = ["event": "final", "run_id": .string(event.runId), "ts": .double(Date().timeIntervalSince1970),
                                    "answer": (try? state.answer)?.stateValue ?? .null, "findings": ((try? state.findings) ?? []).stateValue]
                write(JSON.serialize(final) + "\n")
                return
            case .runError(let message):
                o["event"] = "run_error"
                o["message"] = .string(message)
            case .nodeStart: o["event"] = "node_start"
            case .nodeEnd: o["event"] = "node_end"
            case .nodeError(let message):
                o["event"] = "node_error"
                o["message"] = .string(message)
            case .nodeRetry(let attempt, let maxAttempts, let delay, let reason):
                o["event"] = "node_retry"
                o["attempt"] = .int(attempt)
                o["max_attempts"] = .int(maxAttempts)
                o["delay"] = .double(delay)
                o["message"] = .string(reason)
            case .modelStart(let model):
                o["event"] = "model_start"
                o["model"] = .string(model)
            case .token(let text, let messageId):
                o["event"] = "token"
                o["text"] = .string(text)
                o["message_id"] = .string(messageId)
            case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
                o["event"] = "retry"
                o["attempt"] = .int(attempt)
                o["max_attempts"] = .int(maxAttempts)
                o["delay"] = .double(delay)
                o["message"] = .string(reason)
            case .modelEnd(let usage):
                o["event"] = "model_end"
                o["usage"] = usage.map { ["input_tokens": $0.inputTokens.map(Value.int) ?? .null, "output_tokens": $0.outputTokens.map(Value.int) ?? .null] } ?? .null
            case .toolStart(let name, let input):
                toolStarts[event.id] = event.timestamp
                o["event"] = "tool_start"
                o["name"] = .string(name)
                o["input"] = input
            case .toolEnd(let name, let output):
                o["event"] = "tool_end"
                o["name"] = .string(name)
                o["output"] = output
                if let started = toolStarts.removeValue(forKey: event.id) { o["duration_ms"] = .double(((event.timestamp - started) * 10_000).rounded() / 10) }
            case .custom(let data):
                o["event"] = "custom"
                o["data"] = data
                if let task = event.task, case .branch(let branch)? = try? ResearchProgress(stateValue: data) { branchOfTask[task] = branch.index }
            }
            if let task = event.task, let branch = branchOfTask[task] { o["branch"] = .int(branch) }
            write(JSON.serialize(.object(o)) + "\n")
        }
    }

    /// Branch progress lines and the streamed answer, all sanitized.
    struct TextProgress {
        var streamed = ""
        var branchOfTask: [String: Int] = [:]

        mutating func handle(_ event: RunEvent, write: (String) -> Void, progress: (String) -> Void) {
            switch event.kind {
            case .nodeStart where event.node == ResearchGraph.planner.rawValue:
                progress("planning…")
            case .nodeStart where event.node == ResearchGraph.synthesizer.rawValue:
                progress("synthesizing…")
            case .custom(let data):
                guard case .branch(let branch)? = try? ResearchProgress(stateValue: data) else { return }
                if let task = event.task { branchOfTask[task] = branch.index }
                var line = "[\(branch.index)/\(branch.of)] \(branch.status.rawValue): \(branch.subQuestion)"
                if let error = branch.error { line += " (\(error))" }
                progress(SafeText.sanitize(line, keepNewlines: false))
            case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
                let who = event.node ?? "model"
                progress(RetryLine.text(who: who, reason: reason, delay: delay, attempt: attempt, maxAttempts: maxAttempts))
            case .toolStart(let name, let input):
                let branch = event.task.flatMap { branchOfTask[$0] }.map { "[\($0)] " } ?? ""
                progress(SafeText.sanitize("\(branch)tool \(name) \(JSON.serialize(input))", keepNewlines: false))
            case .token(let text, _) where event.node == ResearchGraph.synthesizer.rawValue:
                streamed += text
                write(SafeText.sanitize(text))
            case .runEnd(let output):
                // What the graph added after the model's reply (e.g. the failed branches).
                let answer = (try? StateView<ResearchGraph.State>(output).answer) ?? nil ?? ""
                let rest = answer.hasPrefix(streamed) ? String(answer.dropFirst(streamed.count)) : "\n" + answer
                write(SafeText.sanitize(rest) + "\n")
            default:
                break
            }
        }
    }
}
