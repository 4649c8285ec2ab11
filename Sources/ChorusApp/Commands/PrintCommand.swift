import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusTUI
import Foundation

/// `chorus --print "question"`: one answer streamed to stdout, for scripts
/// and tests; no terminal needed. The exchange is saved as a thread unless
/// `ephemeral`.
public struct PrintCommand: Sendable {
    public var question: String
    public var provider: String
    public var system: String?
    public var maxTokens: Int?
    public var ephemeral: Bool
    public var databasePath: String

    public init(question: String, provider: String, system: String?, maxTokens: Int?, ephemeral: Bool, databasePath: String) {
        self.question = question
        self.provider = provider
        self.system = system
        self.maxTokens = maxTokens
        self.ephemeral = ephemeral
        self.databasePath = databasePath
    }

    /// Streams the reply through `write` (already sanitized); returns the thread id when saved.
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void) async throws -> String? {
        let model = try ModelCatalog.model(named: provider, environment: environment)
        var checkpointer: (any Checkpointer)?
        var threadId = "ephemeral"
        if !ephemeral {
            let database = try ChorusDatabase(path: databasePath)
            let thread = try await ThreadStore(database: database).create(provider: model.displayName)
            threadId = thread.id
            checkpointer = SQLiteCheckpointer(database: database)
        }
        let graph = try ChatGraph.make(model: model, system: system, maxTokens: maxTokens, checkpointer: checkpointer)
        let input: Value = ["messages": [["role": "user", "content": .string(question), "id": .string("user-" + UUID().uuidString.lowercased())]]]
        for try await part in graph.stream(.state(input), modes: [.messages], config: RunConfig(threadId: threadId)) {
            if case .message(.chunk(_, let content, _), _) = part.payload, !content.isEmpty {
                write(SafeText.sanitize(content))
            }
        }
        write("\n")
        return ephemeral ? nil : threadId
    }
}

/// Chat models by provider name.
public enum ModelCatalog {
    public static let builtIn = ["offline"]

    public static func model(named name: String, environment: [String: String]) throws -> any ChatModel {
        switch name {
        case "offline": return OfflineChatModel.fromEnvironment(environment)
        case "openai", "anthropic", "ollama":
            throw UsageError("provider '\(name)' is not available in this build yet; use --provider offline")
        default:
            throw UsageError("unknown provider '\(name)'; available: \(builtIn.joined(separator: ", "))")
        }
    }
}

/// A mistake in how a command was called, shown to the user as is.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
