import ChorusGraph
import NIOCore

/// One provider's wire protocol: how a request is written and how the
/// streamed reply is read.
protocol ChatWireFormat: Sendable {
    var provider: String { get }
    /// The model's name as sent to the provider.
    var model: String { get }
    /// The request for `request`, as `settings` (the model's config) say.
    func httpRequest(for request: ChatRequest, settings: ModelSettings) throws -> ProviderHTTPRequest
    func makeDecoder() -> any ChatStreamDecoder
    /// The error for a non-2xx response (body already read, capped).
    func error(status: Int, body: String, retryAfter: Double?) -> ChatProviderError
    /// The request that asks the server for the model's context window, if it can say.
    func contextWindowRequest() -> ProviderHTTPRequest?
    /// The window in that request's answer.
    func contextWindow(in answer: Value) -> Int?
}

extension ChatWireFormat {
    func contextWindowRequest() -> ProviderHTTPRequest? { nil }
    func contextWindow(in answer: Value) -> Int? { nil }
}

/// Turns response bytes into chunks; `finish` checks the reply ended properly.
protocol ChatStreamDecoder {
    mutating func feed(_ bytes: ByteBuffer) throws -> [ChatChunk]
    mutating func finish() throws -> [ChatChunk]
}

/// Shared helpers for the JSON bodies of providers.
enum WireJSON {
    /// A JSON `POST` to `path` under `baseURL` (trailing slashes ignored), with extra headers.
    static func post(_ baseURL: String, _ path: String, headers: [(String, String)] = []) -> ProviderHTTPRequest {
        var http = ProviderHTTPRequest(url: baseURL.trimmingSuffix("/") + path)
        http.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { http.headers.add(name: name, value: value) }
        return http
    }

    static func body(_ value: Value) -> ByteBuffer {
        ByteBuffer(string: JSON.serialize(value, sortKeys: false))
    }

    static func parse(_ text: String, provider: String) throws -> Value {
        do {
            return try JSON.parse(text)
        } catch {
            throw ChatProviderError.badResponse(provider: provider, detail: "malformed JSON chunk (\(error))")
        }
    }

    /// The human part of an error body: `error.message`, `message`, or the text itself (trimmed).
    static func message(fromErrorBody body: String) -> String {
        if let value = try? JSON.parse(body) {
            if let m = value["error"]?["message"]?.stringValue ?? value["error"]?.stringValue ?? value["message"]?.stringValue {
                return m
            }
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "no details" : String(trimmed.prefix(300))
    }

    /// The error for a failed response as the cloud APIs report it: a 400 about
    /// the context window is an overflow, other codes as `commonError`.
    static func error(provider: String, status: Int, body: String, retryAfter: Double?) -> ChatProviderError {
        let message = message(fromErrorBody: body)
        if status == 400, isContextOverflow(body) { return .contextOverflow(provider: provider, message: message) }
        return commonError(provider: provider, status: status, message: message, retryAfter: retryAfter)
    }

    /// Status codes every provider maps the same way.
    static func commonError(provider: String, status: Int, message: String, retryAfter: Double?) -> ChatProviderError {
        switch status {
        case 401, 403: return .unauthorized(provider: provider, message: message)
        case 404: return .notFound(provider: provider, message: message)
        case 429: return .rateLimited(provider: provider, retryAfter: retryAfter, message: message)
        default: return .http(provider: provider, status: status, message: message)
        }
    }

    /// True when an error text says the context window was exceeded.
    static func isContextOverflow(_ text: String) -> Bool {
        let t = text.lowercased()
        return t.contains("context_length_exceeded") || t.contains("context length") || t.contains("maximum context")
            || t.contains("too many tokens") || t.contains("prompt is too long") || t.contains("exceeds the available context")
            || t.contains("exceed_context_size") || t.contains("context window exceeded") || t.contains("contextwindowexceeded")
    }
}

extension String {
    /// The string without any number of trailing `suffix`es (`"http://h/v1//"` → `"http://h/v1"`).
    func trimmingSuffix(_ suffix: String) -> String {
        var s = self
        while s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        return s
    }
}

import Foundation
