import ChorusGraph
import NIOCore

/// Ollama's native chat API (`POST {base}/api/chat`, one JSON object per line).
struct OllamaWireFormat: ChatWireFormat {
    let baseURL: String
    let model: String
    var provider: String { "ollama" }

    func httpRequest(for request: ChatRequest) throws -> ProviderHTTPRequest {
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
