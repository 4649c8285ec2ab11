import ChorusModels

/// Chat models by provider name, configured from flags and environment
/// variables (keys are read from the environment and never stored).
public enum ModelCatalog {
    /// The built-in providers' names, for listings and messages.
    public static let providers = ProviderKind.allCases.map(\.rawValue)

    /// With no `--provider`: OpenAI if `OPENAI_API_KEY` is set, else Anthropic
    /// if `ANTHROPIC_API_KEY` is, else Ollama if `OLLAMA_HOST` is, else offline.
    public static func defaultProvider(_ environment: [String: String]) -> String {
        if environment["OPENAI_API_KEY"]?.isEmpty == false { return ProviderKind.openai.rawValue }
        if environment["ANTHROPIC_API_KEY"]?.isEmpty == false { return ProviderKind.anthropic.rawValue }
        if environment["OLLAMA_HOST"]?.isEmpty == false { return ProviderKind.ollama.rawValue }
        return ProviderKind.offline.rawValue
    }

    public static func model(provider: String?, model: String?, baseURL: String?, environment: [String: String],
                             config: ChorusConfig = ChorusConfig()) throws -> any ChatModel {
        let name = provider ?? config.defaultProvider ?? defaultProvider(environment)
        if let named = config.providers[name] {
            var env = environment
            // A named provider reads its key from the variable it names (and no other).
            let keyName = named.kind == .anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
            env[keyName] = named.apiKeyEnv.flatMap { environment[$0] }
            if named.kind == .ollama, let base = named.baseURL { env["OLLAMA_HOST"] = base }
            let built = try self.model(kind: named.kind, model: model ?? named.model, baseURL: baseURL ?? named.baseURL, environment: env, config: config)
            guard var http = built as? HTTPChatModel else { return built }
            http.rateLimiter = RateLimiter.shared(provider: name, limits: named.limits)
            return http
        }
        guard let kind = ProviderKind(rawValue: name) else {
            throw UsageError("unknown provider '\(name)'; available: \(providers.joined(separator: ", "))")
        }
        return try self.model(kind: kind, model: model, baseURL: baseURL, environment: environment, config: config)
    }

    /// A built-in provider's model, configured from flags, the environment and `[models."NAME"]`.
    static func model(kind: ProviderKind, model: String?, baseURL: String?, environment: [String: String], config: ChorusConfig) throws -> any ChatModel {
        let name = kind.rawValue
        var http: HTTPChatModel
        switch kind {
        case .offline:
            var offline = OfflineChatModel.fromEnvironment(environment)
            let window = offline.settings.contextWindow
            offline.settings = config.settings(forModel: "offline")
            offline.settings.contextWindow = offline.settings.contextWindow ?? window
            return offline
        case .openai:
            let key = environment["OPENAI_API_KEY"]
            let base = try endpoint(baseURL ?? environment["OPENAI_BASE_URL"], default: "https://api.openai.com/v1", key: key, keyName: "OPENAI_API_KEY", provider: name)
            http = Providers.openAI(baseURL: base, model: model ?? "gpt-4o-mini", apiKey: key)
        case .anthropic:
            let key = environment["ANTHROPIC_API_KEY"]
            let base = try endpoint(baseURL ?? environment["ANTHROPIC_BASE_URL"], default: "https://api.anthropic.com", key: key, keyName: "ANTHROPIC_API_KEY", provider: name)
            http = Providers.anthropic(baseURL: base, model: model ?? "claude-3-5-haiku-latest", apiKey: key)
        case .ollama:
            var host = baseURL ?? environment["OLLAMA_HOST"] ?? "http://127.0.0.1:11434"
            if !host.hasPrefix("http://") && !host.hasPrefix("https://") { host = "http://" + host }
            http = Providers.ollama(baseURL: host, model: model ?? "llama3.2")
        }
        // `[models."NAME"]` by the name the provider is sent, the default model's included.
        http.settings = config.settings(forModel: http.modelName)
        return http
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
