/// The built-in kinds of model provider: `--provider NAME`, or `kind` in a
/// `[providers.NAME]` table of config.toml.
public enum ProviderKind: String, CaseIterable, Sendable {
    /// Chorus's own offline model (no network).
    case offline
    /// OpenAI's Chat Completions, or any server compatible with it.
    case openai
    /// Anthropic's Messages API.
    case anthropic
    /// A local Ollama server.
    case ollama
}
