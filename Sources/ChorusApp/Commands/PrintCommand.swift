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

/// `chorus --print "question"`: one answer streamed to stdout, for scripts
/// and tests; no terminal needed. Local models answer, or with `server` the
/// server's assistant: the same exchange on either backend. It is saved as a
/// thread unless `ephemeral`: a new one, or `thread` when it continues one. A
/// thread that waits at an `interrupt()` takes the question as its answer.
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
    /// `--server`: the server whose assistant answers, instead of local models and tools.
    public var server: ServerConnection?

    /// Which saved thread `--print` continues.
    public enum ThreadChoice: Sendable, Equatable {
        /// `--continue`: the most recently active chat thread.
        case latest
        /// `--thread ID`: an id or a unique prefix of one.
        case id(String)
    }

    public init(question: String, provider: String?, model: String? = nil, baseURL: String? = nil, system: String?, maxTokens: Int?,
                ephemeral: Bool, databasePath: String, config: ChorusConfig = ChorusConfig(), thread: ThreadChoice? = nil,
                mcp: [String] = [], noTools: Bool = false, approveTools: Bool = false, server: ServerConnection? = nil) {
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
        self.server = server
    }

    /// Streams the reply through `write` (already sanitized); returns the thread id when saved.
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void) async throws -> String? {
        let result = try await answer(environment: environment, write: write)
        write("\n")
        return result.threadId
    }

    /// Asks the question; `write`, when given, gets the reply's text as it
    /// streams, and `notice` a line for each event worth telling while waiting
    /// (a provider retry, a tool call, a branch; all sanitized).
    public func answer(environment: [String: String], write: (@Sendable (String) -> Void)?,
                       notice: (@Sendable (String) -> Void)? = nil) async throws -> PrintResult {
        if ephemeral, thread != nil { throw UsageError("--ephemeral cannot be used with --continue or --thread") }
        let chosen = try await backend(environment: environment)
        defer { if let scratch = chosen.scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        do {
            let result = try await converse(on: chosen.backend, runner: chosen.runner, model: chosen.model, write: write, notice: notice)
            await chosen.backend.stop()
            return result
        } catch {
            await chosen.backend.stop()
            throw error
        }
    }

    /// The backend the exchange runs on, who answers (`runner`), the name the thread
    /// and `--json` give it, and the scratch directory of an ephemeral local exchange.
    private func backend(environment: [String: String]) async throws -> (backend: any ThreadBackend, runner: String, model: String, scratch: String?) {
        if let server {
            _ = try await server.check()
            return (RemoteBackend(client: server.client, assistant: server.assistant, drafts: nil), server.assistant,
                    SafeText.sanitize(server.assistant, keepNewlines: false), nil)
        }
        let model = try ModelCatalog.model(provider: provider, model: self.model, baseURL: baseURL, environment: environment, config: config)
        let specs = try ToolSelection.specs(config: config, named: mcp, disabled: noTools)
        // An exchange that is not kept runs in a database of its own, removed afterwards.
        let scratch = ephemeral ? NSTemporaryDirectory() + "chorus-ephemeral-" + UUID().uuidString.lowercased() : nil
        let database = try ChorusDatabase(path: scratch.map { $0 + "/db.sqlite" } ?? databasePath)
        let local = LocalBackend(database: database, environment: environment, config: config,
                                 flags: ProviderFlags(provider: provider, model: self.model, baseURL: baseURL), tools: specs, system: system, maxTokens: maxTokens)
        return (local, provider ?? local.defaultProvider, model.displayName, scratch)
    }

    private func converse(on backend: any ThreadBackend, runner: String, model: String,
                          write: (@Sendable (String) -> Void)?, notice: (@Sendable (String) -> Void)?) async throws -> PrintResult {
        let threadId: String
        var start = RunStart.message(ChatMessage(role: .user, content: question, id: "user-" + UUID().uuidString.lowercased()))
        switch thread {
        case nil:
            threadId = try await backend.createThread(title: question, kind: .chat, runner: model).id
        case .latest:
            var latest: ThreadRecord?
            for try await listed in backend.listThreads() {
                latest = listed.first { $0.kind == .chat }
                if latest != nil { break }
            }
            guard let latest else { throw ThreadReferenceError.noneToContinue }
            threadId = latest.id
        case .id(let reference):
            let record = try await backend.thread(reference)
            guard record.kind == .chat else { throw ThreadReferenceError.notChat(record.id) }
            threadId = record.id
        }
        if thread != nil, case .question(let prompt)? = try await backend.pendingInput(threadId) {
            notice?("chorus: the thread waited for an answer to \(prompt); resuming with the question")
            start = .resume(.string(question))
        }
        var printer = ReplyPrinter(write: write, notice: notice)
        do {
            while true {
                let updates = backend.run(threadId: threadId, start, runner: runner)
                var waiting: [RunInterrupt] = []
                do {
                    for try await update in updates {
                        if case .interrupted(let interrupts) = update { waiting = interrupts }
                        printer.handle(update)
                    }
                } catch {
                    await updates.settled()
                    throw error
                }
                guard let first = waiting.first else { break }
                // A tool that can change things stopped the run to ask: answer from --approve.
                if let request = ToolApproval.Request(interrupt: first.value) {
                    if !approveTools {
                        notice?("chorus: \(SafeText.sanitize(request.tool, keepNewlines: false)) can change things; declined (pass --approve to allow it)")
                    }
                    start = .resume(.string(approveTools ? ToolApproval.Answer.approve.rawValue : ToolApproval.Answer.decline.rawValue))
                    continue
                }
                let target = server.map { " --server \($0.client.baseURL)" } ?? ""
                notice?("chorus: the run waits for an answer to \(PendingInput.prompt(first.value)); "
                        + "answer with: chorus --print ANSWER\(target) --thread \(threadId)")
                break
            }
        } catch {
            if ephemeral, server != nil { try? await backend.delete(threadId) }
            throw error
        }
        if ephemeral, server != nil { try await backend.delete(threadId) }
        return PrintResult(threadId: ephemeral ? nil : threadId, reply: printer.reply, usage: printer.usage.calls > 0 ? printer.usage : nil, model: model,
                           tools: printer.tools, context: printer.context)
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
    /// The reply's model calls (a compaction's summary included) added up; nil when no call reported usage.
    public var usage: UsageTally?
    /// `provider/model` as the thread records it.
    public var model: String
    /// The tool calls made, in the order they ended.
    public var tools: [ToolCallRecord] = []
    /// The size of the last request sent (its prompt tokens) and the model's window, when known.
    public var context: (used: Int?, window: Int?) = (nil, nil)
    /// What the reply's model calls cost in US dollars, from the config's prices; nil when a call had none.
    public var costUSD: Double? { usage?.costUSD }

    /// One JSON object: `thread_id`, `reply`, `usage` (`input_tokens` (cached ones included, as LangChain's
    /// `usage_metadata`), `output_tokens`, `cached_input_tokens`, `reasoning_tokens`: every model call of the
    /// reply, a compaction's summary included), `cost_usd` (of the same calls, from the config's prices; null
    /// without them), `context` (`used`, `window`), `model` and `tools`.
    public var json: String {
        let usage: Value = self.usage.map {
            ["input_tokens": .int($0.inputTokens), "output_tokens": .int($0.outputTokens), "cached_input_tokens": .int($0.cachedInputTokens),
             "reasoning_tokens": .int($0.reasoningTokens)]
        } ?? .null
        return JSON.serialize(["thread_id": threadId.map(Value.string) ?? .null, "reply": .string(reply), "usage": usage,
                               "cost_usd": costUSD.map { .double(($0 * 1e9).rounded() / 1e9) } ?? .null,
                               "context": ["used": context.used.map(Value.int) ?? .null, "window": context.window.map(Value.int) ?? .null],
                               "model": .string(SafeText.sanitize(model, keepNewlines: false)), "tools": .array(tools.map(\.json))])
    }

    public static func == (a: PrintResult, b: PrintResult) -> Bool {
        a.threadId == b.threadId && a.reply == b.reply && a.usage == b.usage && a.model == b.model && a.tools == b.tools
            && a.context.used == b.context.used && a.context.window == b.context.window
    }
}
