import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
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

    /// Which saved thread `--print` continues.
    public enum ThreadChoice: Sendable, Equatable {
        /// `--continue`: the most recently active chat thread.
        case latest
        /// `--thread ID`: an id or a unique prefix of one.
        case id(String)
    }

    public init(question: String, provider: String?, model: String? = nil, baseURL: String? = nil, system: String?, maxTokens: Int?,
                ephemeral: Bool, databasePath: String, config: ChorusConfig = ChorusConfig(), thread: ThreadChoice? = nil) {
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
        let graph = try ChatGraph.make(model: model, system: system, maxTokens: maxTokens, checkpointer: checkpointer)
        let input: Value = ["messages": [["role": "user", "content": .string(question), "id": .string("user-" + UUID().uuidString.lowercased())]]]
        var result = PrintResult(threadId: threadId, reply: "", usage: nil, model: model.displayName)
        for try await event in graph.events(.state(input), config: RunConfig(threadId: threadId ?? "ephemeral")) {
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
            default:
                break
            }
        }
        return result
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

    /// One JSON object: `thread_id`, `reply`, `usage` (`input_tokens`, `output_tokens`) and `model`.
    public var json: String {
        let usage: Value = self.usage.map {
            ["input_tokens": $0.inputTokens.map(Value.int) ?? .null, "output_tokens": $0.outputTokens.map(Value.int) ?? .null]
        } ?? .null
        return JSON.serialize(["thread_id": threadId.map(Value.string) ?? .null, "reply": .string(reply), "usage": usage,
                               "model": .string(SafeText.sanitize(model, keepNewlines: false))])
    }
}

/// A mistake in how a command was called, shown to the user as is.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
