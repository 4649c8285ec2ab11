import ChorusAppCore
import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusTUI
import Foundation

/// `chorus` with no question: the terminal chat app. Everything that can
/// fail (config, database, theme, keys) is checked here, before the
/// terminal is touched, so a mistake is reported on a normal screen.
public struct ChatCommand {
    public let runtime: AppRuntime

    /// Builds the app for `terminal`, which is created only once the rest is valid.
    /// `mcp` and `noTools` pick the MCP servers as for `--print` (`ToolSelection`);
    /// with `server` the threads and runs are a LangGraph server's, checked to answer first.
    public init(databasePath: String, config: ChorusConfig, theme: String?, flags: ProviderFlags, environment: [String: String],
                mcp: [String] = [], noTools: Bool = false, server: ServerConnection? = nil, terminal: () throws -> any TerminalDevice) async throws {
        let provider = flags.provider
        let themes = try ThemeCatalog.load(directories: ThemeCatalog.directories(environment: environment))
        let selected = try ThemeCatalog.select(theme ?? config.theme, from: themes)
        let keymap: Keymap
        do {
            keymap = try Keymap(overrides: config.keys)
        } catch {
            throw UsageError("[keys] of config.toml: \(error)")
        }
        let database = try ChorusDatabase(path: databasePath)
        let backend: any ThreadBackend
        let chosen: String
        var choices: [String]
        if let server {
            if provider != nil || flags.model != nil || flags.baseURL != nil || !mcp.isEmpty {
                throw UsageError("--provider, --model, --base-url and --mcp choose local models and tools; with --server the server's assistant (--assistant) answers")
            }
            // A server's names reach the screen: stripped of control characters, as every name it sends.
            choices = try await server.check().map { SafeText.sanitize($0, keepNewlines: false) }
            backend = RemoteBackend(client: server.client, assistant: server.assistant, drafts: database)
            chosen = server.assistant
        } else {
            if let provider, !ModelCatalog.providers.contains(provider), config.providers[provider] == nil {
                throw UsageError("unknown provider '\(provider)'; available: \((ModelCatalog.providers + config.providers.keys.sorted()).joined(separator: ", "))")
            }
            let local = LocalBackend(database: database, environment: environment, config: config, flags: flags,
                                     tools: try ToolSelection.specs(config: config, named: mcp, disabled: noTools))
            chosen = local.defaultProvider
            // Fails now, not at the first message, when the provider cannot be built (a missing key).
            _ = try local.model(for: chosen)
            choices = local.providerChoices()
            backend = local
        }
        if !choices.contains(chosen) { choices.append(chosen) }
        var model = AppModel(theme: selected, themes: themes.isEmpty ? [.fallback] : themes, keymap: keymap,
                             defaultProvider: chosen, providerChoices: choices)
        model.runnerName = backend.runnerName
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? ".") + "/.local/state")
        runtime = AppRuntime(model: model, terminal: try terminal(), backend: backend, clipboardPath: state + "/chorus/clipboard.txt")
    }

    /// One JSON line about the session for `CHORUS_TRACE`: first frame time, frame view times, memory.
    public static func traceLine(_ session: SessionStats, startedAt: Date) -> String {
        let stats = session.frameTimes
        var rss = 0
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
            rss = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        let first = session.firstFrameAt.map { String(format: "%.3f", $0.timeIntervalSince1970) } ?? "null"
        return String(format: "{\"event\":\"session\",\"started\":%.3f,\"first_frame\":%@,\"frames\":%d,\"view_p50_ms\":%.3f,\"view_p99_ms\":%.3f,\"view_max_ms\":%.3f,\"peak_rss_kib\":%d}",
                      startedAt.timeIntervalSince1970, first, stats.count, stats.percentile(0.5), stats.percentile(0.99), stats.percentile(1), rss)
    }
}
