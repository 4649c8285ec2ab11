/// Every fuzz target; the raw value is the `CHORUS_FUZZ_TARGET` name and the
/// directory of its seeds under `Fuzz/corpus/`.
enum FuzzTarget: String, CaseIterable {
    case sse
    case openaiDelta = "openai-delta"
    case openaiDecoder = "openai-decoder"
    case anthropicDecoder = "anthropic-decoder"
    case ollamaDecoder = "ollama-decoder"
    case json
    case config
    case theme
    case keys
    case markdown
    case wrap
    case safetext
    case serveRequest = "serve-request"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .sse: fuzzSSEParser(bytes)
        case .openaiDelta: fuzzOpenAIDeltaScanner(bytes)
        case .openaiDecoder: fuzzWireDecoder(.openAI, bytes)
        case .anthropicDecoder: fuzzWireDecoder(.anthropic, bytes)
        case .ollamaDecoder: fuzzWireDecoder(.ollama, bytes)
        case .json: fuzzJSON(bytes)
        case .config: fuzzConfig(bytes)
        case .theme: fuzzTheme(bytes)
        case .keys: fuzzKeyDecoder(bytes)
        case .markdown: fuzzMarkdown(bytes)
        case .wrap: fuzzWordWrap(bytes)
        case .safetext: fuzzSafeText(bytes)
        case .serveRequest: fuzzServeRequest(bytes)
        }
    }
}
