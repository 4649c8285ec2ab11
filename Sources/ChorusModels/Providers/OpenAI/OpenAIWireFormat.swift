import ChorusGraph
import NIOCore

/// OpenAI-compatible Chat Completions (`POST {base}/chat/completions`, SSE
/// ending in `data: [DONE]`): OpenAI, OpenRouter, llama.cpp, vLLM, LM Studio,
/// LiteLLM. The base URL ends in `/v1`, as in OpenAI's SDK.
struct OpenAIWireFormat: ChatWireFormat {
    let baseURL: String
    let model: String
    let apiKey: String?
    var provider: String { "openai" }

    /// llama.cpp's server says its window at `/props` (beside `/v1`); other
    /// OpenAI-compatible servers answer 404, and the model's name decides.
    /// OpenAI's own API is not asked (its models' windows are documented).
    func contextWindowRequest() -> ProviderHTTPRequest? {
        let root = baseURL.trimmingSuffix("/")
        guard !root.hasPrefix("https://api.openai.com") else { return nil }
        var http = ProviderHTTPRequest(url: (root.hasSuffix("/v1") ? String(root.dropLast(3)) : root) + "/props")
        http.method = .GET
        if let apiKey, !apiKey.isEmpty { http.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        return http
    }

    func contextWindow(in answer: Value) -> Int? {
        answer["default_generation_settings"]?["n_ctx"]?.intValue
    }

    func httpRequest(for request: ChatRequest, settings: ModelSettings) throws -> ProviderHTTPRequest {
        var http = WireJSON.post(baseURL, "/chat/completions", headers: [("accept", "text/event-stream")])
        if let apiKey, !apiKey.isEmpty { http.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        var body: [String: Value] = [
            "model": .string(model), "stream": true, "stream_options": ["include_usage": true],
            "messages": .array(request.messages.map { m in
                var o: [String: Value] = ["role": .string(m.role.rawValue), "content": .string(m.content)]
                if let id = m.toolCallId { o["tool_call_id"] = .string(id) }
                if !m.toolCalls.isEmpty {
                    o["tool_calls"] = .array(m.toolCalls.map { call in
                        ["id": .string(call.id), "type": "function",
                         "function": ["name": .string(call.name), "arguments": .string(JSON.serialize(call.arguments))]]
                    })
                }
                return .object(o)
            }),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["type": "function", "function": ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]]
            })
        }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .int(maxTokens) }
        if let t = request.temperature { body["temperature"] = .double(t) }
        if let format = request.responseFormat {
            body["response_format"] = ["type": "json_schema", "json_schema": ["name": .string(format.name), "schema": format.schema, "strict": true]]
        }
        http.body = WireJSON.body(.object(body))
        return http
    }

    func makeDecoder() -> any ChatStreamDecoder { Decoder(provider: provider) }

    func error(status: Int, body: String, retryAfter: Double?) -> ChatProviderError {
        WireJSON.error(provider: provider, status: status, body: body, retryAfter: retryAfter)
    }

    struct Decoder: ChatStreamDecoder {
        let provider: String
        var parser = SSEParser()
        var finishReason: FinishReason?
        var done = false
        /// Tool calls being assembled, by the index the deltas give.
        var calls: [Int: (id: String, name: String, arguments: String)] = [:]

        mutating func feed(_ bytes: ByteBuffer) throws -> [ChatChunk] {
            var out: [ChatChunk] = []
            for event in parser.feed(bytes.readableBytesView) {
                if event.data == "[DONE]" {
                    done = true
                    for index in calls.keys.sorted() {
                        let call = calls[index]!
                        let arguments = call.arguments.isEmpty ? Value.object([:]) : try WireJSON.parse(call.arguments, provider: provider)
                        out.append(.toolCall(ToolCall(id: call.id, name: call.name, arguments: arguments)))
                    }
                    calls = [:]
                    out.append(.finish(finishReason ?? .stop))
                    continue
                }
                if let delta = OpenAIDeltaScanner.scan(event.data) {
                    if let text = delta.content, !text.isEmpty { out.append(.text(text)) }
                    if let reason = delta.finishReason { finishReason = FinishReason(rawValue: reason) ?? .stop }
                    continue
                }
                let json = try WireJSON.parse(event.data, provider: provider)
                if let error = json["error"] {
                    throw ChatProviderError.streamError(provider: provider, type: error["type"]?.stringValue ?? "error",
                                                        message: error["message"]?.stringValue ?? "\(error)")
                }
                if let choice = json["choices"]?.arrayValue?.first {
                    if let text = choice["delta"]?["content"]?.stringValue, !text.isEmpty { out.append(.text(text)) }
                    for delta in choice["delta"]?["tool_calls"]?.arrayValue ?? [] {
                        let index = delta["index"]?.intValue ?? 0
                        var call = calls[index] ?? ("", "", "")
                        if let id = delta["id"]?.stringValue { call.id = id }
                        if let name = delta["function"]?["name"]?.stringValue { call.name += name }
                        if let part = delta["function"]?["arguments"]?.stringValue { call.arguments += part }
                        calls[index] = call
                    }
                    if let reason = choice["finish_reason"]?.stringValue {
                        finishReason = FinishReason(rawValue: reason) ?? .stop
                    }
                }
                if let usage = json["usage"], let input = usage["prompt_tokens"]?.intValue, let output = usage["completion_tokens"]?.intValue {
                    out.append(.usage(Usage(inputTokens: input, outputTokens: output,
                                            cachedInputTokens: usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0,
                                            reasoningTokens: usage["completion_tokens_details"]?["reasoning_tokens"]?.intValue)))
                }
            }
            return out
        }

        mutating func finish() throws -> [ChatChunk] {
            guard done else { throw ChatProviderError.connection(provider: provider, detail: "the stream ended before [DONE]") }
            return []
        }
    }
}
