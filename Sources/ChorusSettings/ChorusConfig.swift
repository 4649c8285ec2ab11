import ChorusModels
import ChorusTools
import Foundation
import TOMLKit

/// `~/.config/chorus/config.toml`: named providers and the default one.
///
/// ```toml
/// default_provider = "local"
///
/// [providers.local]
/// kind = "openai"                      # openai | anthropic | ollama | offline
/// base_url = "http://127.0.0.1:8088/v1"
/// model = "smollm2"
///
/// [providers.work]
/// kind = "anthropic"
/// model = "claude-3-5-haiku-latest"
/// api_key_env = "WORK_ANTHROPIC_KEY"   # the NAME of an environment variable, never the key
/// requests_per_minute = 50             # shared by every run in the process (waits, never 429s)
/// tokens_per_minute = 40000
///
/// [research]                           # `chorus research`
/// branches = 4
/// max_concurrency = 4
/// budget_tokens = 200000               # defaults of --budget-tokens / --budget-usd
/// budget_usd = 0.50
/// planner = "work"                     # provider names, per role
/// researcher = "local"
/// synthesizer = "work"
///
/// [mcp.time]                           # an MCP server whose tools the agents may call
/// command = "uvx"                      # started over stdio when first needed
/// args = ["mcp-server-time"]
/// env = { TZ = "Europe/Oslo" }
/// timeout = 30                         # seconds per tool call (default 60)
/// trust = ["set_alarm"]                # run without asking ("all" for every tool);
///                                      # read-only tools never ask
/// enabled = true
///
/// [mcp.docs]                           # a streamable HTTP server
/// url = "https://mcp.example.com/mcp"
/// header_env = { Authorization = "DOCS_MCP_AUTH" }   # header values from the environment
///
/// [server]                             # a LangGraph server instead of the local engine (--server)
/// url = "https://my-deployment.example.com"
/// assistant = "agent"                  # the graph new threads run (default: chat)
/// api_key_env = "MY_LANGGRAPH_KEY"     # sent as x-api-key (default: LANGGRAPH_API_KEY)
/// ```
public struct ChorusConfig: Sendable, Equatable {
    public struct Provider: Sendable, Equatable {
        public var kind: ProviderKind
        public var baseURL: String?
        public var model: String?
        public var apiKeyEnv: String?
        /// The provider's rate limits, shared by every call in the process.
        public var limits: RateLimits

        public init(kind: ProviderKind, baseURL: String?, model: String?, apiKeyEnv: String?, limits: RateLimits = RateLimits()) {
            self.kind = kind
            self.baseURL = baseURL
            self.model = model
            self.apiKeyEnv = apiKeyEnv
            self.limits = limits
        }
    }

    /// `[research]`: defaults of `chorus research` and the provider of each role.
    public struct Research: Sendable, Equatable {
        public var branches: Int?
        public var maxConcurrency: Int?
        public var planner: String?
        public var researcher: String?
        public var synthesizer: String?
        /// Defaults of `--budget-tokens` and `--budget-usd`.
        public var budgetTokens: Int?
        public var budgetUSD: Double?

        public init(branches: Int? = nil, maxConcurrency: Int? = nil, planner: String? = nil, researcher: String? = nil, synthesizer: String? = nil) {
            self.branches = branches
            self.maxConcurrency = maxConcurrency
            self.planner = planner
            self.researcher = researcher
            self.synthesizer = synthesizer
        }
    }

    public var defaultProvider: String?
    public var providers: [String: Provider] = [:]
    /// Theme name for the terminal app (`theme = "light"`).
    public var theme: String?
    /// `[keys]`: action name → key names, e.g. `new_thread = ["ctrl-t"]`.
    public var keys: [String: [String]] = [:]
    public var research = Research()
    /// `[mcp.NAME]`: MCP servers, by name.
    public var mcpServers: [String: MCPServerSpec] = [:]
    /// `[server]`: the LangGraph server the app works on, when not the local engine.
    public var server = Server()
    /// `[models."NAME"]`: each model's context window, compaction and prices, NAME as sent to the provider.
    public var models: [String: ModelSettings] = [:]
    /// `[context] compaction`: how a model without its own setting compacts.
    public var compaction: CompactionStrategy = .summarize

    /// What the config says of `model` (its own section, else the defaults).
    public func settings(forModel model: String) -> ModelSettings {
        models[model] ?? ModelSettings(compaction: compaction)
    }

    /// `[server]`: a LangGraph server (LangGraph Platform, `langgraph dev`, `chorus serve`).
    public struct Server: Sendable, Equatable {
        public var url: String?
        public var assistant: String?
        /// The NAME of the environment variable holding the API key.
        public var apiKeyEnv: String?

        public init(url: String? = nil, assistant: String? = nil, apiKeyEnv: String? = nil) {
            self.url = url
            self.assistant = assistant
            self.apiKeyEnv = apiKeyEnv
        }
    }

    public init(defaultProvider: String? = nil, providers: [String: Provider] = [:], research: Research = Research()) {
        self.defaultProvider = defaultProvider
        self.providers = providers
        self.research = research
    }

    /// `--config`, else `$XDG_CONFIG_HOME/chorus/config.toml`, else `~/.config/chorus/config.toml`.
    public static func path(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/chorus/config.toml" }
        return (environment["HOME"] ?? ".") + "/.config/chorus/config.toml"
    }

    /// Reads the file; a missing file is an empty config, a malformed one an error naming the line.
    public static func load(path: String) throws -> ChorusConfig {
        guard FileManager.default.fileExists(atPath: path) else { return ChorusConfig() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> ChorusConfig {
        let table = try TOMLText.table(text, path: path)
        var config = ChorusConfig()
        for key in table.keys {
            switch key {
            case "default_provider":
                guard let name = table[key]?.string else { throw ConfigError(path: path, line: nil, message: "default_provider must be a string") }
                config.defaultProvider = name
            case "providers":
                guard let providers = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "providers must be a table of [providers.NAME] sections") }
                for name in providers.keys {
                    guard let section = providers[name]?.table else {
                        throw ConfigError(path: path, line: nil, message: "providers.\(name) must be a table")
                    }
                    config.providers[name] = try provider(section, name: name, path: path)
                }
            case "research":
                guard let section = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "research must be a [research] section") }
                config.research = try research(section, path: path)
            case "server":
                guard let section = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "server must be a [server] section") }
                config.server = try server(section, path: path)
            case "mcp":
                guard let servers = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "mcp must be a table of [mcp.NAME] sections") }
                for name in servers.keys {
                    guard let section = servers[name]?.table else { throw ConfigError(path: path, line: nil, message: "mcp.\(name) must be a table") }
                    config.mcpServers[name] = try mcpServer(section, name: name, path: path)
                }
            case "models":
                guard let models = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "models must be a table of [models.\"NAME\"] sections") }
                for name in models.keys {
                    guard let section = models[name]?.table else { throw ConfigError(path: path, line: nil, message: "models.\(name) must be a table") }
                    config.models[name] = try modelSettings(section, name: name, path: path)
                }
            case "context":
                guard let section = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "context must be a [context] section") }
                for setting in section.keys where setting != "compaction" {
                    throw ConfigError(path: path, line: nil, message: "context: unknown setting '\(setting)'")
                }
                if section["compaction"] != nil { config.compaction = try compaction(section["compaction"], at: "context.compaction", path: path) }
            case "theme":
                guard let name = table[key]?.string else { throw ConfigError(path: path, line: nil, message: "theme must be a string") }
                config.theme = name
            case "keys":
                guard let keys = table[key]?.table else { throw ConfigError(path: path, line: nil, message: "keys must be a [keys] table") }
                for action in keys.keys {
                    if let one = keys[action]?.string {
                        config.keys[action] = [one]
                    } else if let many = keys[action]?.array, many.allSatisfy({ $0.string != nil }) {
                        config.keys[action] = many.compactMap { $0.string }
                    } else {
                        throw ConfigError(path: path, line: nil, message: "keys.\(action) must be a key name or a list of them")
                    }
                }
            default:
                throw ConfigError(path: path, line: nil, message: "unknown setting '\(key)'")
            }
        }
        if let name = config.defaultProvider, config.providers[name] == nil, !ModelCatalog.providers.contains(name) {
            throw ConfigError(path: path, line: nil, message: "default_provider '\(name)' is neither a [providers.\(name)] section nor a built-in provider")
        }
        for (role, name) in [("planner", config.research.planner), ("researcher", config.research.researcher), ("synthesizer", config.research.synthesizer)] {
            if let name, config.providers[name] == nil, !ModelCatalog.providers.contains(name) {
                throw ConfigError(path: path, line: nil, message: "research.\(role) '\(name)' is neither a [providers.\(name)] section nor a built-in provider")
            }
        }
        return config
    }

    private static func modelSettings(_ section: TOMLTable, name: String, path: String) throws -> ModelSettings {
        func fail(_ message: String) -> ConfigError { ConfigError(path: path, line: nil, message: "models.\"\(name)\".\(message)") }
        func price(_ key: String) throws -> Double? {
            guard let value = section[key] else { return nil }
            guard let number = value.double ?? value.int.map(Double.init), number >= 0, number.isFinite else {
                throw fail("\(key) must be a number of US dollars per million tokens, 0 or more")
            }
            return number
        }
        let known = ["context_window", "compaction", "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "prompt_cache"]
        for key in section.keys where !known.contains(key) {
            throw ConfigError(path: path, line: nil, message: "models.\"\(name)\": unknown setting '\(key)'")
        }
        var settings = ModelSettings()
        if let value = section["context_window"] {
            guard let tokens = value.int, tokens >= 256 else { throw fail("context_window must be a whole number of tokens, at least 256") }
            settings.contextWindow = tokens
        }
        if section["compaction"] != nil { settings.compaction = try compaction(section["compaction"], at: "models.\"\(name)\".compaction", path: path) }
        if let value = section["prompt_cache"] {
            guard let on = value.bool else { throw fail("prompt_cache must be true or false") }
            settings.promptCache = on
        }
        let (input, output, cached) = (try price("input_usd_per_mtok"), try price("output_usd_per_mtok"), try price("cached_input_usd_per_mtok"))
        if input != nil || output != nil || cached != nil {
            guard let input, let output else { throw fail("input_usd_per_mtok and output_usd_per_mtok go together") }
            settings.prices = ModelPrices(input: input, output: output, cachedInput: cached)
        }
        return settings
    }

    private static func compaction(_ value: TOMLValueConvertible?, at key: String, path: String) throws -> CompactionStrategy {
        guard let text = value?.string, let strategy = CompactionStrategy(rawValue: text) else {
            throw ConfigError(path: path, line: nil, message: "\(key) must be \"summarize\" or \"trim\"")
        }
        return strategy
    }

    private static func research(_ section: TOMLTable, path: String) throws -> Research {
        var research = Research()
        for key in section.keys {
            switch key {
            case "branches", "max_concurrency":
                guard let n = section[key]?.int, n >= 1 else { throw ConfigError(path: path, line: nil, message: "research.\(key) must be a whole number of at least 1") }
                if key == "branches" { research.branches = n } else { research.maxConcurrency = n }
            case "planner", "researcher", "synthesizer":
                guard let name = section[key]?.string else { throw ConfigError(path: path, line: nil, message: "research.\(key) must be a provider name") }
                switch key {
                case "planner": research.planner = name
                case "researcher": research.researcher = name
                default: research.synthesizer = name
                }
            case "budget_tokens":
                guard let n = section[key]?.int, n >= 1 else { throw ConfigError(path: path, line: nil, message: "research.budget_tokens must be a whole number of at least 1") }
                research.budgetTokens = n
            case "budget_usd":
                guard let usd = section[key]?.double ?? section[key]?.int.map(Double.init), usd > 0, usd.isFinite else {
                    throw ConfigError(path: path, line: nil, message: "research.budget_usd must be a number of US dollars above 0")
                }
                research.budgetUSD = usd
            default:
                throw ConfigError(path: path, line: nil, message: "research: unknown setting '\(key)'")
            }
        }
        return research
    }

    private static func server(_ section: TOMLTable, path: String) throws -> Server {
        var server = Server()
        for key in section.keys {
            if key == "api_key" {
                throw ConfigError(path: path, line: nil, message: "server.api_key: keys do not belong in files; put the key in an environment variable and set api_key_env to its name")
            }
            guard ["url", "assistant", "api_key_env"].contains(key) else { throw ConfigError(path: path, line: nil, message: "server: unknown setting '\(key)'") }
            guard let text = section[key]?.string, !text.isEmpty else { throw ConfigError(path: path, line: nil, message: "server.\(key) must be a non-empty string") }
            switch key {
            case "url":
                guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                    throw ConfigError(path: path, line: nil, message: "server.url must be an http:// or https:// address")
                }
                server.url = text
            case "assistant": server.assistant = text
            default: server.apiKeyEnv = text
            }
        }
        return server
    }

    private static func mcpServer(_ section: TOMLTable, name: String, path: String) throws -> MCPServerSpec {
        func fail(_ message: String) -> ConfigError { ConfigError(path: path, line: nil, message: "mcp.\(name).\(message)") }
        guard name.range(of: "^[A-Za-z0-9_-]{1,32}$", options: .regularExpression) != nil else {
            throw ConfigError(path: path, line: nil, message: "mcp.\(name): a server name is 1 to 32 letters, digits, _ or -")
        }
        for key in section.keys where !["command", "args", "env", "url", "headers", "header_env", "timeout", "trust", "enabled"].contains(key) {
            throw ConfigError(path: path, line: nil, message: "mcp.\(name): unknown setting '\(key)'")
        }
        func strings(_ key: String, example: String) throws -> [String: String] {
            guard let value = section[key] else { return [:] }
            guard let table = value.table else { throw fail("\(key) must be a table of strings, e.g. \(key) = \(example)") }
            var out: [String: String] = [:]
            for entry in table.keys {
                guard let text = table[entry]?.string else { throw fail("\(key).\(entry) must be a string") }
                out[entry] = text
            }
            return out
        }
        let endpoint: MCPServerSpec.Endpoint
        switch (section["command"], section["url"]) {
        case (nil, nil), (.some, .some):
            throw fail("command must be the program to start (command = \"uvx\"), or url the address of a streamable HTTP server; give one")
        case (let command?, nil):
            guard let command = command.string, !command.isEmpty else { throw fail("command must be the program to start, e.g. command = \"uvx\"") }
            var arguments: [String] = []
            if let value = section["args"] {
                guard let list = value.array, list.allSatisfy({ $0.string != nil }) else { throw fail("args must be a list of strings") }
                arguments = list.compactMap { $0.string }
            }
            for key in ["headers", "header_env"] where section[key] != nil { throw fail("\(key) is for url servers") }
            endpoint = .stdio(command: command, arguments: arguments, environment: try strings("env", example: "{ TZ = \"UTC\" }"))
        case (nil, let url?):
            guard let url = url.string, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw fail("url must be an http:// or https:// address")
            }
            for key in ["args", "env"] where section[key] != nil { throw fail("\(key) is for command servers") }
            // header_env names environment variables, so that secrets stay out of the file; read at start.
            let fromEnvironment = try strings("header_env", example: "{ Authorization = \"MY_MCP_TOKEN\" }")
            endpoint = .http(url: url, headers: try strings("headers", example: "{ X-Team = \"web\" }"), headerEnvironment: fromEnvironment)
        }

        var spec = MCPServerSpec(name: name, endpoint: endpoint)
        if let value = section["timeout"] {
            guard let seconds = value.double ?? value.int.map(Double.init), seconds > 0 else { throw fail("timeout must be a positive number of seconds") }
            spec.callTimeout = seconds
        }
        if let value = section["trust"] {
            if value.string == "all" {
                spec.trust = .all
            } else if let list = value.array, list.allSatisfy({ $0.string != nil }) {
                spec.trust = .readOnly(alsoTrusted: Set(list.compactMap { $0.string }))
            } else {
                throw fail("trust must be \"all\" or a list of tool names")
            }
        }
        if let value = section["enabled"] {
            guard let on = value.bool else { throw fail("enabled must be true or false") }
            spec.enabled = on
        }
        return spec
    }

    private static func provider(_ section: TOMLTable, name: String, path: String) throws -> Provider {
        func string(_ key: String) throws -> String? {
            guard let value = section[key] else { return nil }
            guard let s = value.string else { throw ConfigError(path: path, line: nil, message: "providers.\(name).\(key) must be a string") }
            return s
        }
        for key in section.keys where !["kind", "base_url", "model", "api_key_env", "requests_per_minute", "tokens_per_minute"].contains(key) {
            if key == "api_key" {
                throw ConfigError(path: path, line: nil, message: "providers.\(name).api_key: keys do not belong in files; put the key in an environment variable and set api_key_env to its name")
            }
            throw ConfigError(path: path, line: nil, message: "providers.\(name): unknown setting '\(key)'")
        }
        guard let kind = try string("kind") else { throw ConfigError(path: path, line: nil, message: "providers.\(name) needs kind = \"openai\" | \"anthropic\" | \"ollama\" | \"offline\"") }
        guard let known = ProviderKind(rawValue: kind) else {
            throw ConfigError(path: path, line: nil, message: "providers.\(name).kind '\(kind)' is not one of \(ModelCatalog.providers.joined(separator: ", "))")
        }
        func perMinute(_ key: String) throws -> Int? {
            guard let value = section[key] else { return nil }
            guard let n = value.int, n >= 1 else { throw ConfigError(path: path, line: nil, message: "providers.\(name).\(key) must be a whole number of at least 1") }
            return n
        }
        let limits = RateLimits(requestsPerMinute: try perMinute("requests_per_minute"), tokensPerMinute: try perMinute("tokens_per_minute"))
        return Provider(kind: known, baseURL: try string("base_url"), model: try string("model"), apiKeyEnv: try string("api_key_env"), limits: limits)
    }
}

/// A problem in the config file, with where it is.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let line: Int?
    public let message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
