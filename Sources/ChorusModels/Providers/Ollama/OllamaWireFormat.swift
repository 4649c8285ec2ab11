import ChorusGraph
import NIOCore

/// Ollama's native chat API (`POST {base}/api/chat`, one JSON object per line).
struct OllamaWireFormat: ChatWireFormat {
    let baseURL: String
    let model: String
    var provider: String { "ollama" }

    /// `/api/show` says the model's trained context length and any `num_ctx` it is run with.
    func contextWindowRequest() -> ProviderHTTPRequest? {
        var http = WireJSON.post(baseURL, "/api/show")
        http.body = WireJSON.body(["model": .string(model)])
        return http
    }

    /// Ollama cuts a prompt silently at `num_ctx` (4,096 unless the model's
    /// parameters set it), so the window is that, capped by the trained length.
    func contextWindow(in answer: Value) -> Int? {
        let trained = answer["model_info"]?.objectValue?.first { $0.key.hasSuffix(".context_length") }?.value.intValue
        let configured = answer["parameters"]?.stringValue?.split(separator: "\n").compactMap { line -> Int? in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            return words.first == "num_ctx" ? words.last.flatMap { Int($0) } : nil
        }.last
        return min(configured ?? Self.defaultNumCtx, trained ?? .max)
    }

    /// Ollama's `num_ctx` when nothing sets it.
    static let defaultNumCtx = 4_096

    func httpRequest(for request: ChatRequest, settings: ModelSettings) throws -> ProviderHTTPRequest {
        var http = WireJSON.post(baseURL, "/api/chat")
        var body: [String: Value] = [
            "model": .string(model), "stream": true,
            "messages": .array(request.messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.content)]) }),
        ]
        if let format = request.responseFormat { body["format"] = format.schema }
        var options: [String: Value] = [:]
        if let maxTokens = request.maxTokens { options["num_predict"] = .int(maxTokens) }
        if let t = request.temperature { options["temperature"] = .double(t) }
        if !options.isEmpty { body["options"] = .object(options) }
        http.body = WireJSON.body(.object(body))
        return http
    }

    func makeDecoder() -> any ChatStreamDecoder { Decoder(provider: provider) }

    func error(status: Int, body: String, retryAfter: Double?) -> ChatProviderError {
        let message = WireJSON.message(fromErrorBody: body)
        if status == 404 || message.contains("not found") { return .notFound(provider: provider, message: message) }
        if WireJSON.isContextOverflow(body) { return .contextOverflow(provider: provider, message: message) }
        return WireJSON.commonError(provider: provider, status: status, message: message, retryAfter: retryAfter)
    }

    struct Decoder: ChatStreamDecoder {
        let provider: String
        var pending: [UInt8] = []
        var done = false

        mutating func feed(_ bytes: ByteBuffer) throws -> [ChatChunk] {
            pending.append(contentsOf: bytes.readableBytesView)
            var out: [ChatChunk] = []
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                pending.removeSubrange(...newline)
                if line.isEmpty { continue }
                out += try decode(line)
            }
            return out
        }

        mutating func decode(_ line: String) throws -> [ChatChunk] {
            let json = try WireJSON.parse(line, provider: provider)
            if let error = json["error"]?.stringValue {
                throw ChatProviderError.streamError(provider: provider, type: "error", message: error)
            }
            var out: [ChatChunk] = []
            if let text = json["message"]?["content"]?.stringValue, !text.isEmpty { out.append(.text(text)) }
            if json["done"] == true {
                done = true
                out.append(.usage(Usage(inputTokens: json["prompt_eval_count"]?.intValue ?? 0, outputTokens: json["eval_count"]?.intValue ?? 0)))
                out.append(.finish(json["done_reason"]?.stringValue == "length" ? .length : .stop))
            }
            return out
        }

        mutating func finish() throws -> [ChatChunk] {
            let rest = String(decoding: pending, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            pending = []
            var out: [ChatChunk] = []
            if !rest.isEmpty { out = try decode(rest) }
            guard done else { throw ChatProviderError.connection(provider: provider, detail: "the stream ended before done") }
            return out
        }
    }
}

import Foundation
