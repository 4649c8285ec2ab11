/// What the config says of one model (`[models."NAME"]`, NAME as sent to
/// the provider): its context window, how a conversation too long for it
/// is made to fit, and its prices.
public struct ModelSettings: Sendable, Equatable {
    /// Tokens the model takes in one request, prompt and reply together; nil: discovered, else a known default.
    public var contextWindow: Int?
    public var compaction: CompactionStrategy
    public var prices: ModelPrices?
    /// Mark the stable prefix of each request (system prompt, history) for the
    /// provider's prompt cache, where the provider needs marks (Anthropic).
    public var promptCache: Bool

    public init(contextWindow: Int? = nil, compaction: CompactionStrategy = .summarize, prices: ModelPrices? = nil, promptCache: Bool = true) {
        self.contextWindow = contextWindow
        self.compaction = compaction
        self.prices = prices
        self.promptCache = promptCache
    }

    /// What a call with `usage` cost in US dollars; nil without prices or without usage.
    public func cost(of usage: Usage?) -> Double? {
        guard let usage, let prices else { return nil }
        return prices.cost(of: usage)
    }
}

/// How a conversation too long for the model's context window is made to fit
/// (only what is sent shrinks: the thread keeps every message).
public enum CompactionStrategy: String, Sendable, Equatable, CaseIterable {
    /// The older part is summarized by the model; the summary and the recent messages are sent.
    case summarize
    /// The older part is left out.
    case trim
}

/// A model's prices in US dollars per million tokens.
public struct ModelPrices: Sendable, Equatable {
    public var input: Double
    public var output: Double
    /// Cached prompt tokens; nil: they cost the input price.
    public var cachedInput: Double?

    public init(input: Double, output: Double, cachedInput: Double? = nil) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
    }

    /// What a model call with these token counts costs, in US dollars
    /// (cached prompt tokens at the cached price, else at the input price).
    public func cost(of usage: Usage) -> Double {
        let cached = min(usage.cachedInputTokens, usage.inputTokens)
        let fresh = usage.inputTokens - cached
        return (Double(fresh) * input + Double(cached) * (cachedInput ?? input) + Double(usage.outputTokens) * output) / 1_000_000
    }
}
