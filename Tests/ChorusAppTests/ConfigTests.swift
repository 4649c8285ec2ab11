import ChorusApp
import ChorusAppCore
import ChorusModels
import ChorusSettings
import ChorusSupport
import ChorusTesting
import Foundation
import Testing

@Suite struct ConfigTests {
    let sample = """
        default_provider = "local"

        [providers.local]
        kind = "openai"
        base_url = "http://127.0.0.1:8088/v1"
        model = "smollm2"

        [providers.work]
        kind = "anthropic"
        model = "claude-test"
        api_key_env = "WORK_KEY"
        """

    @Test func namedProvidersAndTheDefault() throws {
        let config = try ChorusConfig.parse(sample, path: "c.toml")
        #expect(config.defaultProvider == "local")
        #expect(config.providers["work"] == ChorusConfig.Provider(kind: .anthropic, baseURL: nil, model: "claude-test", apiKeyEnv: "WORK_KEY"))
        #expect(try ModelCatalog.model(provider: nil, model: nil, baseURL: nil, environment: [:], config: config).displayName == "openai/smollm2")
        #expect(try ModelCatalog.model(provider: "work", model: nil, baseURL: nil, environment: ["WORK_KEY": "k"], config: config).displayName == "anthropic/claude-test")
        #expect(throws: UsageError.self) {
            try ModelCatalog.model(provider: "work", model: nil, baseURL: nil, environment: ["ANTHROPIC_API_KEY": "not this one"], config: config)
        }
    }

    /// The app reads `[keys]`; a wrong one is named before the terminal is taken.
    @Test func aWrongKeyBindingIsRefusedBeforeTheScreenIsTaken() async throws {
        let config = try ChorusConfig.parse("[keys]\nno_such_action = \"ctrl-x\"\n", path: "config.toml")
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-keys-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: database) }
        let taken = Locked(false)
        do {
            _ = try await ChatCommand(databasePath: database, config: config, theme: nil, flags: ProviderFlags(provider: "offline"), environment: [:]) {
                taken.withLock { $0 = true }
                return RecordingTerminal()
            }
            Issue.record("a wrong [keys] section was accepted")
        } catch let error as UsageError {
            #expect(error.description.contains("[keys] of config.toml") && error.description.contains("no_such_action"), "\(error)")
        }
        #expect(!taken.withLock { $0 })
    }

    @Test func aSyntaxErrorNamesItsLine() {
        #expect {
            try ChorusConfig.parse("default_provider = \"local\"\n\n[providers.local\nkind = \"openai\"\n", path: "/x/config.toml")
        } throws: { error in
            guard let e = error as? ConfigError else { return false }
            return e.line == 3 && "\(e)".hasPrefix("/x/config.toml:3:")
        }
    }

    // Found by fuzzing (Fuzz/chorus-fuzz, target config): a table name starting with a character
    // that cannot start a key made toml++ (inside TOMLKit) assert and abort the app.
    @Test(arguments: ["[é]\n", "[\u{1}]\n", "a = 1\n  [[ é]]\n", "[\n", "\u{FEFF}[é]"])
    func aTableNameThatCannotStartAKeyIsAnErrorNotACrash(_ text: String) {
        #expect {
            try ChorusConfig.parse(text, path: "c.toml")
        } throws: { error in
            (error as? ConfigError)?.line != nil
        }
        #expect(throws: ConfigError.self) { try ThemeCatalog.parse(text, name: "t", path: "t.toml") }
    }

    @Test(arguments: [
        "[providers.p]\nkind = \"openai\"\napi_key = \"sk-123\"\n",
        "[providers.p]\nkind = \"gpt\"\n",
        "[providers.p]\nmodel = \"m\"\n",
        "default_provider = \"ghost\"\n",
        "default_provider = 3\n",
        "colour = \"red\"\n",
        "[research]\nbranches = 0\n",
        "[research]\nmax_concurrency = \"four\"\n",
        "[research]\nplanner = \"ghost\"\n",
        "[research]\ndepth = 2\n",
        "[research]\nbudget_tokens = 0\n",
        "[research]\nbudget_usd = -1\n",
        "[providers.p]\nkind = \"openai\"\nrequests_per_minute = 0\n",
        "[providers.p]\nkind = \"openai\"\ntokens_per_minute = \"many\"\n",
        "[models.\"m\"]\nprompt_cache = \"yes\"\n",
    ])
    func badSettingsAreRefusedClearly(_ text: String) {
        #expect(throws: ConfigError.self) { try ChorusConfig.parse(text, path: "c.toml") }
    }

    @Test func theResearchSectionSetsDefaultsAndPerRoleProviders() throws {
        let config = try ChorusConfig.parse(sample + "\n[research]\nbranches = 6\nmax_concurrency = 2\nplanner = \"work\"\nresearcher = \"local\"\nsynthesizer = \"offline\"\n", path: "c.toml")
        #expect(config.research == ChorusConfig.Research(branches: 6, maxConcurrency: 2, planner: "work", researcher: "local", synthesizer: "offline"))
        #expect(try ChorusConfig.parse(sample, path: "c.toml").research == ChorusConfig.Research())
    }

    @Test func budgetsRateLimitsAndPromptCachingAreRead() throws {
        let config = try ChorusConfig.parse("""
            [providers.work]
            kind = "anthropic"
            requests_per_minute = 50
            tokens_per_minute = 40000

            [research]
            budget_tokens = 200000
            budget_usd = 0.5

            [models."claude-test"]
            prompt_cache = false
            """, path: "c.toml")
        #expect(config.providers["work"]?.limits == RateLimits(requestsPerMinute: 50, tokensPerMinute: 40000))
        #expect(config.research.budgetTokens == 200_000 && config.research.budgetUSD == 0.5)
        #expect(config.settings(forModel: "claude-test").promptCache == false)
        #expect(config.settings(forModel: "other").promptCache == true)
        // Every call to a provider with limits shares one limiter.
        let env = ["WORK_KEY": "k"]
        var withKey = config
        withKey.providers["work"]?.apiKeyEnv = "WORK_KEY"
        let a = try #require(try ModelCatalog.model(provider: "work", model: nil, baseURL: nil, environment: env, config: withKey) as? HTTPChatModel)
        let b = try #require(try ModelCatalog.model(provider: "work", model: "other", baseURL: nil, environment: env, config: withKey) as? HTTPChatModel)
        #expect(a.rateLimiter != nil && a.rateLimiter === b.rateLimiter)
    }

    @Test func aMissingFileIsAnEmptyConfig() throws {
        #expect(try ChorusConfig.load(path: "/nonexistent/chorus/config.toml") == ChorusConfig())
        #expect(ChorusConfig.path(flag: nil, environment: ["XDG_CONFIG_HOME": "/cfg"]) == "/cfg/chorus/config.toml")
        #expect(ChorusConfig.path(flag: nil, environment: ["HOME": "/h"]) == "/h/.config/chorus/config.toml")
    }
}
