import ChorusGraph

/// The built-in model used when no provider is configured: deterministic, no
/// network, streaming a readable reply that quotes the user's last message
/// verbatim, at a realistic pace (about 2 s for ~100 tokens by default).
/// Asked for structured output, it streams JSON that satisfies the schema,
/// derived from the last user message (`SchemaFiller`).
public struct OfflineChatModel: ChatModel {
    /// Tokens per second; 0 streams as fast as possible.
    public let tokensPerSecond: Double

    public var displayName: String { "offline" }
    /// With a context window, a request that does not fit in it fails as a
    /// provider's would ("too long"): words count as tokens.
    public var settings: ModelSettings

    public init(tokensPerSecond: Double = 50, settings: ModelSettings = ModelSettings()) {
        self.tokensPerSecond = max(0, tokensPerSecond)
        self.settings = settings
    }

    /// Pace from `CHORUS_OFFLINE_TOKENS_PER_SECOND` (0 = as fast as possible), else the default;
    /// a context window from `CHORUS_OFFLINE_CONTEXT_WINDOW` (tokens), else none.
    public static func fromEnvironment(_ environment: [String: String]) -> OfflineChatModel {
        var model = OfflineChatModel()
        if let text = environment["CHORUS_OFFLINE_TOKENS_PER_SECOND"], let rate = Double(text) { model = OfflineChatModel(tokensPerSecond: rate) }
        model.settings.contextWindow = environment["CHORUS_OFFLINE_CONTEXT_WINDOW"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        return model
    }

    /// The full reply to a conversation.
    public static func reply(to messages: [ChatMessage]) -> String {
        let last = messages.last { $0.role == .user }?.content ?? ""
        return "This is Chorus's offline model: no provider is configured, so this reply is written locally. "
            + "You wrote: “\(last)”. "
            + "To talk to a real model, set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST, or add a provider to "
            + "~/.config/chorus/config.toml. Meanwhile you can start a new thread, switch between threads, search your "
            + "history, or run a parallel research session and watch its branches stream side by side. Everything here "
            + "is saved as a local thread, so nothing you type is lost."
    }

    /// Splits text into tokens that concatenate back to it exactly: each word with the spaces after it.
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inSpace = false
        for ch in text {
            if ch.isWhitespace {
                inSpace = true
            } else if inSpace {
                tokens.append(current)
                current = ""
                inSpace = false
            }
            current.append(ch)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// The full reply to a request: JSON filling its response format, else `reply(to:)`.
    public static func reply(to request: ChatRequest) -> String {
        guard let format = request.responseFormat else { return reply(to: request.messages) }
        let last = request.messages.last { $0.role == .user }?.content ?? ""
        return JSON.serialize(SchemaFiller.fill(format.schema, from: last))
    }

    /// `tokens(text).count` without building the tokens (a long conversation is
    /// counted on every reply): runs that start after whitespace, plus the first.
    static func tokenCount(_ text: String) -> Int {
        var count = text.isEmpty ? 0 : 1
        var inSpace = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !space, inSpace { count += 1 }
            inSpace = space
        }
        return count
    }

    public func stream(_ request: ChatRequest) -> ChatStream {
        let tokens = Self.tokens(Self.reply(to: request))
        let limit = request.maxTokens.map { min($0, tokens.count) } ?? tokens.count
        let delay: Duration? = tokensPerSecond > 0 ? .nanoseconds(Int64(1e9 / tokensPerSecond)) : nil
        let input = request.messages.reduce(0) { $0 + Self.tokenCount($1.content) }
        let (stream, continuation) = ChatStream.makeStream()
        if let window = settings.contextWindow, input + limit > window {
            continuation.finish(throwing: ChatProviderError.contextOverflow(
                provider: "offline", message: "the request takes \(input) tokens and its reply \(limit), over the window of \(window)"))
            return stream
        }
        let task = Task {
            do {
                for token in tokens.prefix(limit) {
                    if let delay { try await Task.sleep(for: delay) }
                    try Task.checkCancellation()
                    continuation.yield(.text(token))
                }
                continuation.yield(.usage(Usage(inputTokens: input, outputTokens: limit)))
                continuation.yield(.finish(limit < tokens.count ? .length : .stop))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination { task.cancel() }
        return stream
    }
}
