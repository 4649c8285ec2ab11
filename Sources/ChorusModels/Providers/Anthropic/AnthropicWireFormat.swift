import ChorusGraph
import NIOCore

/// Anthropic Messages (`POST {base}/v1/messages`, SSE events `message_start`,
/// `content_block_delta`, `message_delta`, `message_stop`, `ping`, `error`).
/// The base URL has no `/v1`, as in Anthropic's SDK.
struct AnthropicWireFormat: ChatWireFormat {
    let baseURL: String
    let model: String
    let apiKey: String?
    var provider: String { "anthropic" }

    func httpRequest(for request: ChatRequest, settings: ModelSettings) throws -> ProviderHTTPRequest {
        var http = WireJSON.post(baseURL, "/v1/messages", headers: [("anthropic-version", "2023-06-01")])
        if let apiKey, !apiKey.isEmpty { http.headers.add(name: "x-api-key", value: apiKey) }
        // Anthropic has no structured-output field: the schema goes in the system prompt.
        let system = (request.messages.filter { $0.role == .system }.map(\.content) + [request.responseFormat?.instruction].compactMap { $0 })
            .joined(separator: "\n\n")
        var messages = request.messages.filter { $0.role != .system }.map(Self.message)
        if settings.promptCache, let last = messages.indices.last { messages[last] = Self.cacheBreakpoint(on: messages[last]) }
        var body: [String: Value] = [
            "model": .string(model), "stream": true, "max_tokens": .int(request.maxTokens ?? 4096), "messages": .array(messages),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.parameters] })
        }
        if !system.isEmpty {
            body["system"] = settings.promptCache ? [["type": "text", "text": .string(system), "cache_control": ["type": "ephemeral"]]] : .string(system)
        }
        if let t = request.temperature { body["temperature"] = .double(t) }
        http.body = WireJSON.body(.object(body))
        return http
    }

    /// Tool calls become `tool_use` blocks, tool results `tool_result` blocks in a user turn.
    static func message(_ m: ChatMessage) -> Value {
        switch m.role {
        case .tool:
            return ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string(m.toolCallId ?? ""), "content": .string(m.content)]]]
        case .assistant where !m.toolCalls.isEmpty:
            var blocks: [Value] = m.content.isEmpty ? [] : [["type": "text", "text": .string(m.content)]]
            blocks += m.toolCalls.map { ["type": "tool_use", "id": .string($0.id), "name": .string($0.name), "input": $0.arguments] }
            return ["role": "assistant", "content": .array(blocks)]
        default:
            return ["role": .string(m.role == .assistant ? "assistant" : "user"), "content": .string(m.content)]
        }
    }

    /// The message with a prompt-cache breakpoint on its last block: the next
    /// request repeats everything up to here, so Anthropic reads it from its
    /// cache (prompts under the model's minimum are simply not cached).
    static func cacheBreakpoint(on message: Value) -> Value {
        var blocks = message["content"]?.arrayValue ?? [["type": "text", "text": message["content"] ?? ""]]
        guard var last = blocks.popLast()?.objectValue else { return message }
        last["cache_control"] = ["type": "ephemeral"]
        var marked = message.objectValue ?? [:]
        marked["content"] = .array(blocks + [.object(last)])
        return .object(marked)
    }

    func makeDecoder() -> any ChatStreamDecoder { Decoder(provider: provider) }

    func error(status: Int, body: String, retryAfter: Double?) -> ChatProviderError {
        WireJSON.error(provider: provider, status: status, body: body, retryAfter: retryAfter)
    }

    struct Decoder: ChatStreamDecoder {
        let provider: String
        var parser = SSEParser()
        var inputTokens = 0
        var cachedInputTokens = 0
        var outputTokens = 0
        var stopReason: FinishReason = .stop
        var stopped = false
        /// The tool_use block being streamed: its id, name and partial JSON input.
        var tool: (id: String, name: String, json: String)?

        mutating func feed(_ bytes: ByteBuffer) throws -> [ChatChunk] {
            var out: [ChatChunk] = []
            for event in parser.feed(bytes.readableBytesView) {
                let json = try WireJSON.parse(event.data, provider: provider)
                switch json["type"]?.stringValue ?? event.type {
                case "message_start":
                    // Anthropic counts cache reads and writes apart from `input_tokens`; all three are the prompt
                    // (added without trapping on counts no server sends).
                    let usage = json["message"]?["usage"]
                    cachedInputTokens = usage?["cache_read_input_tokens"]?.intValue ?? 0
                    inputTokens = [usage?["input_tokens"]?.intValue ?? 0, cachedInputTokens, usage?["cache_creation_input_tokens"]?.intValue ?? 0]
                        .reduce(0) { total, count in
                            let (sum, overflow) = total.addingReportingOverflow(count)
                            return overflow ? Int.max : sum
                        }
                case "content_block_start":
                    if json["content_block"]?["type"] == "tool_use" {
                        tool = (json["content_block"]?["id"]?.stringValue ?? "", json["content_block"]?["name"]?.stringValue ?? "", "")
                    }
                case "content_block_delta":
                    if json["delta"]?["type"] == "text_delta", let text = json["delta"]?["text"]?.stringValue, !text.isEmpty {
                        out.append(.text(text))
                    } else if json["delta"]?["type"] == "input_json_delta", let part = json["delta"]?["partial_json"]?.stringValue {
                        tool?.json += part
                    }
                case "content_block_stop":
                    if let call = tool {
                        let input = call.json.isEmpty ? Value.object([:]) : try WireJSON.parse(call.json, provider: provider)
                        out.append(.toolCall(ToolCall(id: call.id, name: call.name, arguments: input)))
                        tool = nil
                    }
                case "message_delta":
                    if let reason = json["delta"]?["stop_reason"]?.stringValue {
                        stopReason = ["max_tokens": .length, "tool_use": .toolCalls][reason] ?? .stop
                    }
                    outputTokens = json["usage"]?["output_tokens"]?.intValue ?? outputTokens
                case "message_stop":
                    stopped = true
                    out.append(.usage(Usage(inputTokens: inputTokens, outputTokens: outputTokens, cachedInputTokens: cachedInputTokens)))
                    out.append(.finish(stopReason))
                case "error":
                    throw ChatProviderError.streamError(provider: provider, type: json["error"]?["type"]?.stringValue ?? "error",
                                                        message: json["error"]?["message"]?.stringValue ?? event.data)
                default:
                    break
                }
            }
            return out
        }

        mutating func finish() throws -> [ChatChunk] {
            guard stopped else { throw ChatProviderError.connection(provider: provider, detail: "the stream ended before message_stop") }
            return []
        }
    }
}
