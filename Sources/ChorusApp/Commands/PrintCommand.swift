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
    /// Provider name, or nil for the default (see `ModelCatalog.defaultProvider`).
    public var provider: String?
    public var model: String?
    public var baseURL: String?
    public var system: String?
    public var maxTokens: Int?
    public var ephemeral: Bool
    public var databasePath: String
    public var config: ChorusConfig

    public init(question: String, provider: String?, model: String? = nil, baseURL: String? = nil, system: String?, maxTokens: Int?,
                ephemeral: Bool, databasePath: String, config: ChorusConfig = ChorusConfig()) {
        self.config = config
        self.question = question
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.system = system
        self.maxTokens = maxTokens
        self.ephemeral = ephemeral
        self.databasePath = databasePath
    }

    /// Streams the reply through `write` (already sanitized); returns the thread id when saved.
    public func run(environment: [String: String], write: @escaping @Sendable (String) -> Void) async throws -> String? {
        let model = try ModelCatalog.model(provider: provider, model: self.model, baseURL: baseURL, environment: environment, config: config)
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

/// Chat models by provider name, configured from flags and environment
/// variables (keys are read from the environment and never stored).
public enum ModelCatalog {
    public static let providers = ["offline", "openai", "anthropic", "ollama"]

    /// With no `--provider`: OpenAI if `OPENAI_API_KEY` is set, else Anthropic
    /// if `ANTHROPIC_API_KEY` is, else Ollama if `OLLAMA_HOST` is, else offline.
    public static func defaultProvider(_ environment: [String: String]) -> String {
        if environment["OPENAI_API_KEY"]?.isEmpty == false { return "openai" }
        if environment["ANTHROPIC_API_KEY"]?.isEmpty == false { return "anthropic" }
        if environment["OLLAMA_HOST"]?.isEmpty == false { return "ollama" }
        return "offline"
    }

    public static func model(provider: String?, model: String?, baseURL: String?, environment: [String: String],
                             config: ChorusConfig = ChorusConfig()) throws -> any ChatModel {
        let name = provider ?? config.defaultProvider ?? defaultProvider(environment)
        if let named = config.providers[name] {
            var env = environment
            // A named provider reads its key from the variable it names (and no other).
            let keyName = named.kind == "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
            env[keyName] = named.apiKeyEnv.flatMap { environment[$0] }
            if named.kind == "ollama", let base = named.baseURL { env["OLLAMA_HOST"] = base }
            return try self.model(provider: named.kind, model: model ?? named.model, baseURL: baseURL ?? named.baseURL, environment: env)
        }
        switch name {
        case "offline":
            return OfflineChatModel.fromEnvironment(environment)
        case "openai":
            let key = environment["OPENAI_API_KEY"]
            let base = try endpoint(baseURL ?? environment["OPENAI_BASE_URL"], default: "https://api.openai.com/v1", key: key, keyName: "OPENAI_API_KEY", provider: name)
            return Providers.openAI(baseURL: base, model: model ?? "gpt-4o-mini", apiKey: key)
        case "anthropic":
            let key = environment["ANTHROPIC_API_KEY"]
            let base = try endpoint(baseURL ?? environment["ANTHROPIC_BASE_URL"], default: "https://api.anthropic.com", key: key, keyName: "ANTHROPIC_API_KEY", provider: name)
            return Providers.anthropic(baseURL: base, model: model ?? "claude-3-5-haiku-latest", apiKey: key)
        case "ollama":
            var host = baseURL ?? environment["OLLAMA_HOST"] ?? "http://127.0.0.1:11434"
            if !host.hasPrefix("http://") && !host.hasPrefix("https://") { host = "http://" + host }
            return Providers.ollama(baseURL: host, model: model ?? "llama3.2")
        default:
            throw UsageError("unknown provider '\(name)'; available: \(providers.joined(separator: ", "))")
        }
    }

    /// The URL to use; the cloud default needs a key, a URL of your own may not.
    private static func endpoint(_ given: String?, default cloud: String, key: String?, keyName: String, provider: String) throws -> String {
        if let given { return given }
        if (key ?? "").isEmpty {
            throw UsageError("provider '\(provider)' needs \(keyName) (or --base-url for a compatible server of your own)")
        }
        return cloud
    }
}

/// A mistake in how a command was called, shown to the user as is.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
