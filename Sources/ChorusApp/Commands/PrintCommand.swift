import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusTools
import ChorusTUI
import Foundation

/// `chorus --print "question"`: one answer streamed to stdout, for scripts
/// and tests; no terminal needed. The exchange is saved as a thread unless
/// `ephemeral`: a new one, or `thread` when it continues one.
public struct PrintCommand: Sendable {
    public var question: String
    /// Provider name, or nil for the default (see `ModelCatalog.defaultProvider`).
    public var provider: String?
    public var model: String?
    public var baseURL: String?
    public var system: String?
    public var maxTokens: Int?
    public var ephemeral: Bool
    public var databasePath: String
    public var config: ChorusConfig
    /// The saved thread to continue; nil starts a new one.
    public var thread: ThreadChoice?
    /// `--mcp NAME`: only these MCP servers (default: every enabled one of the config).
    public var mcp: [String]
    /// `--no-tools`: no MCP server at all.
    public var noTools: Bool
    /// `--approve`: run tools that can change things without asking; otherwise such calls are declined.
    public var approveTools: Bool

    /// Which saved thread `--print` continues.
    public enum ThreadChoice: Sendable, Equatable {
        /// `--continue`: the most recently active chat thread.
        case latest
        /// `--thread ID`: an id or a unique prefix of one.
        case id(String)
    }

    public init(question: String, provider: String?, model: String? = nil, baseURL: String? = nil, system: String?, maxTokens: Int?,
                ephemeral: Bool, databasePath: String, config: ChorusConfig = ChorusConfig(), thread: ThreadChoice? = nil,
                mcp: [String] = [], noTools: Bool = false, approveTools: Bool = false) {
        self.mcp = mcp
        self.noTools = noTools
        self.approveTools = approveTools
        self.config = config
        self.question = question
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.system = system
        self.maxTokens = maxTokens
        self.ephemeral = ephemeral
        self.databasePath = databasePath
        self.thread = thread
    }

    /// Streams the reply through `write` (already sanitized); returns the thread id when saved.
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void) async throws -> String? {
        let result = try await answer(environment: environment, write: write)
        write("\n")
        return result.threadId
    }

    /// Asks the question; `write`, when given, gets the reply's text as it
    /// streams, and `notice` a line for each provider retry while waiting
    /// (both sanitized).
    public func answer(environment: [String: String], write: (@Sendable (String) -> Void)?,
                       notice: (@Sendable (String) -> Void)? = nil) async throws -> PrintResult {
        if ephemeral, thread != nil { throw UsageError("--ephemeral cannot be used with --continue or --thread") }
        let model = try ModelCatalog.model(provider: provider, model: self.model, baseURL: baseURL, environment: environment, config: config)
        var checkpointer: (any Checkpointer)?
        var threadId: String?
        if !ephemeral {
            let database = try ChorusDatabase(path: databasePath)
            let store = ThreadStore(database: database)
            switch thread {
            case nil:
                threadId = try await store.create(provider: model.displayName).id
            case .latest:
                guard let latest = try await store.list().first(where: { $0.kind == .chat }) else {
                    throw ThreadReferenceError.noneToContinue
                }
                threadId = latest.id
            case .id(let reference):
                let record = try await ThreadReference.resolve(reference, in: store)
                guard record.kind == .chat else { throw ThreadReferenceError.notChat(record.id) }
                threadId = record.id
            }
            checkpointer = SQLiteCheckpointer(database: database)
        }
        let specs = try ToolSelection.specs(config: config, named: mcp, disabled: noTools)
        let toolbox = specs.isEmpty ? nil : MCPToolbox(specs: specs)
        do {
            let result = try await converse(model: model, toolbox: toolbox, checkpointer: checkpointer, threadId: threadId, write: write, notice: notice)
            await toolbox?.stop()
            return result
        } catch {
            await toolbox?.stop()
            throw error
        }
    }

    private func converse(model: any ChatModel, toolbox: MCPToolbox?, checkpointer: (any Checkpointer)?, threadId: String?,
                          write: (@Sendable (String) -> Void)?, notice: (@Sendable (String) -> Void)?) async throws -> PrintResult {
        // Either graph keeps the conversation under `ChatGraph.State.messages`.
        let graph: CompiledGraph
        if let toolbox {
            let (tools, unavailable) = await toolbox.agentTools()
            for line in unavailable { notice?("chorus: " + SafeText.sanitize(line, keepNewlines: false)) }
            // Approvals are interrupts: an ephemeral exchange keeps them in memory.
            graph = try ReactAgent.make(model: model, tools: tools, system: system, maxTokens: maxTokens, checkpointer: checkpointer ?? InMemoryCheckpointer()).graph
        } else {
            graph = try ChatGraph.make(model: model, system: system, maxTokens: maxTokens, checkpointer: checkpointer).graph
        }
        let config = RunConfig(threadId: threadId ?? "ephemeral")
        var input: RunInput = .state(ChatGraph.State.input(ChatMessage(role: .user, content: question, id: "user-" + UUID().uuidString.lowercased())))
        var result = PrintResult(threadId: threadId, reply: "", usage: nil, model: model.displayName)
        var toolStarts: [String: (name: String, input: Value, at: Double)] = [:]
        while true {
            for try await event in graph.events(input, config: config) {
                switch event.kind {
                case .token(let text, _) where !text.isEmpty:
                    let safe = SafeText.sanitize(text)
                    result.reply += safe
                    write?(safe)
                case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
                    notice?(RetryLine.text(who: "chorus", reason: reason, delay: delay, attempt: attempt, maxAttempts: maxAttempts))
                case .modelEnd(let usage?):
                    result.usage = RunEvent.Usage(inputTokens: (result.usage?.inputTokens ?? 0) + (usage.inputTokens ?? 0),
                                                  outputTokens: (result.usage?.outputTokens ?? 0) + (usage.outputTokens ?? 0))
                case .toolStart(let name, let arguments):
                    toolStarts[event.id] = (name, arguments, event.timestamp)
                    notice?("chorus: tool " + SafeText.sanitize(name + " " + JSON.serialize(arguments), keepNewlines: false))
                case .toolEnd(let name, let output):
                    let started = toolStarts.removeValue(forKey: event.id)
                    let text = SafeText.sanitize(output.stringValue ?? JSON.serialize(output))
                    let call = ToolCallRecord(name: name, input: started?.input ?? .null, output: text,
                                              durationMs: started.map { (event.timestamp - $0.at) * 1000 } ?? 0)
                    result.tools.append(call)
                    notice?("chorus: tool \(SafeText.sanitize(name, keepNewlines: false)) → \(ToolCallRecord.preview(text)) (\(Int(call.durationMs.rounded())) ms)")
                default:
                    break
                }
            }
            // A tool that can change things stopped the run to ask: answer from --approve.
            guard toolbox != nil, let pending = try await graph.getState(config: config).tasks.lazy.flatMap(\.interrupts).compactMap({ ToolApproval.Request(interrupt: $0.value) }).first
            else { break }
            if !approveTools {
                notice?("chorus: \(SafeText.sanitize(pending.tool, keepNewlines: false)) can change things; declined (pass --approve to allow it)")
            }
            input = .resume(.string(approveTools ? ToolApproval.Answer.approve.rawValue : ToolApproval.Answer.decline.rawValue))
        }
        return result
    }
}

/// One tool call of a `--print` exchange, as `--json` lists it.
public struct ToolCallRecord: Sendable, Equatable {
    public var name: String
    public var input: Value
    /// The tool's output, sanitized.
    public var output: String
    public var durationMs: Double

    public var json: Value {
        ["name": .string(SafeText.sanitize(name, keepNewlines: false)), "input": input, "output": .string(output),
         "duration_ms": .double((durationMs * 10).rounded() / 10)]
    }

    /// The first line of an output, at most 120 characters, for one-line notes.
    static func preview(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }
}

/// The outcome of `--print`: what `--json` prints.
public struct PrintResult: Sendable, Equatable {
    /// The thread the exchange was saved in; nil with `--ephemeral`.
    public var threadId: String?
    /// The reply, sanitized.
    public var reply: String
    /// Token counts summed over the model calls, when the provider reported them.
    public var usage: RunEvent.Usage?
    /// `provider/model` as the thread records it.
    public var model: String
    /// The tool calls made, in the order they ended.
    public var tools: [ToolCallRecord] = []

    /// One JSON object: `thread_id`, `reply`, `usage` (`input_tokens`, `output_tokens`) and `model`.
    public var json: String {
        let usage: Value = self.usage.map {
            ["input_tokens": $0.inputTokens.map(Value.int) ?? .null, "output_tokens": $0.outputTokens.map(Value.int) ?? .null]
        } ?? .null
        return JSON.serialize(["thread_id": threadId.map(Value.string) ?? .null, "reply": .string(reply), "usage": usage,
                               "model": .string(SafeText.sanitize(model, keepNewlines: false)), "tools": .array(tools.map(\.json))])
    }
}

/// A mistake in how a command was called, shown to the user as is.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
