import ChorusGraph

/// What to ask a model.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    public var tools: [ToolSpec]
    public var maxTokens: Int?
    public var temperature: Double?
    /// Ask for a JSON reply following a schema; nil for free text.
    public var responseFormat: ResponseFormat?

    public init(messages: [ChatMessage], tools: [ToolSpec] = [], maxTokens: Int? = nil, temperature: Double? = nil,
                responseFormat: ResponseFormat? = nil) {
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.responseFormat = responseFormat
    }
}

/// A tool the model may call: a name, what it does, and a JSON Schema of its arguments.
public struct ToolSpec: Sendable, Equatable {
    public var name: String
    public var description: String
    public var parameters: Value

    public init(name: String, description: String, parameters: Value) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// One piece of a streamed reply.
public enum ChatChunk: Sendable, Equatable {
    /// Text to append to the reply.
    case text(String)
    /// A complete tool call, assembled from the provider's deltas.
    case toolCall(ToolCall)
    /// Token counts, usually at the end.
    case usage(Usage)
    /// Why the reply ended; the last chunk of a complete reply.
    case finish(FinishReason)
    /// The call failed before its first token and is tried again after a delay.
    case retrying(RetryNotice)
}

/// A model call's token counts, as its provider reported them.
public struct Usage: Sendable, Equatable {
    /// Every prompt token, cached ones included (as LangChain's `usage_metadata`).
    public var inputTokens: Int
    public var outputTokens: Int
    /// Prompt tokens read from the provider's prompt cache (part of `inputTokens`).
    public var cachedInputTokens: Int
    /// Output tokens spent reasoning (part of `outputTokens`), where the provider says.
    public var reasoningTokens: Int?

    /// Counts are kept within 0…10¹² whatever a provider sent, so sums of them never overflow.
    public init(inputTokens: Int, outputTokens: Int, cachedInputTokens: Int = 0, reasoningTokens: Int? = nil) {
        self.inputTokens = Self.plausible(inputTokens)
        self.outputTokens = Self.plausible(outputTokens)
        self.cachedInputTokens = Self.plausible(cachedInputTokens)
        self.reasoningTokens = reasoningTokens.map(Self.plausible)
    }

    /// A reported token count kept within 0…10¹² (a server's own reports are kept so too).
    public static func plausible(_ count: Int) -> Int { min(max(count, 0), 1_000_000_000_000) }

    /// As LangChain's `usage_metadata`: `input_tokens`, `output_tokens`, `total_tokens`,
    /// and `input_token_details.cache_read` / `output_token_details.reasoning` when known.
    public var metadata: Value {
        var o: [String: Value] = ["input_tokens": .int(inputTokens), "output_tokens": .int(outputTokens),
                                  "total_tokens": .int(inputTokens + outputTokens)]
        if cachedInputTokens > 0 { o["input_token_details"] = ["cache_read": .int(cachedInputTokens)] }
        if let reasoningTokens { o["output_token_details"] = ["reasoning": .int(reasoningTokens)] }
        return .object(o)
    }

    /// From LangChain's `usage_metadata`; nil without `input_tokens` and `output_tokens`.
    public init?(metadata: Value?) {
        guard let input = metadata?["input_tokens"]?.intValue, let output = metadata?["output_tokens"]?.intValue else { return nil }
        self.init(inputTokens: input, outputTokens: output,
                  cachedInputTokens: metadata?["input_token_details"]?["cache_read"]?.intValue ?? 0,
                  reasoningTokens: metadata?["output_token_details"]?["reasoning"]?.intValue)
    }
}

public enum FinishReason: String, Sendable, Equatable {
    case stop, length, toolCalls = "tool_calls", contentFilter = "content_filter"
}

/// A chat model that streams its reply. Cancelling the consuming task stops
/// the stream (and, for network providers, closes the connection).
public protocol ChatModel: Sendable {
    /// Shown to the user: provider and model, e.g. `offline` or `openai/gpt-4o-mini`.
    var displayName: String { get }
    func stream(_ request: ChatRequest) -> ChatStream
    /// What the config says of this model (its window, compaction, prices).
    var settings: ModelSettings { get }
    /// Tokens the model takes in one request, prompt and reply together: the
    /// config's, else what its provider says, else a documented default; nil
    /// when unknown. Without `probing`, the provider is not asked (what it
    /// said before still counts).
    func contextWindow(probing: Bool) async -> Int?
}

extension ChatModel {
    public var settings: ModelSettings { ModelSettings() }
    public func contextWindow(probing: Bool) async -> Int? { settings.contextWindow }
}

/// A streamed reply: chunks, then the error if the reply failed. Cancelling
/// the consumer (or dropping the stream) stops the provider.
public typealias ChatStream = BatchingStream<ChatChunk>

/// A whole reply.
public struct ChatReply: Sendable, Equatable {
    public var text: String
    public var toolCalls: [ToolCall] = []
    public var usage: Usage?
    public var finishReason: FinishReason?
}

extension ChatModel {
    /// Consumes the stream into one reply. A stream that ends without a finish
    /// reason is an error, not a silent success.
    public func invoke(_ request: ChatRequest) async throws -> ChatReply {
        var reply = ChatReply(text: "", usage: nil, finishReason: nil)
        for try await chunk in stream(request) {
            switch chunk {
            case .text(let t): reply.text += t
            case .toolCall(let call): reply.toolCalls.append(call)
            case .usage(let u): reply.usage = u
            case .finish(let f): reply.finishReason = f
            case .retrying: break
            }
        }
        guard reply.finishReason != nil else { throw ChatModelError.truncated(partial: reply.text) }
        return reply
    }
}

/// Failures every provider reports the same way.
public enum ChatModelError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The stream ended before the model said it was done.
    case truncated(partial: String)

    public var description: String {
        switch self {
        case .truncated(let partial):
            return "the reply ended before the model finished (\(partial.count) characters received)"
        }
    }
}
