import ChorusGraph
import ChorusModels
import ChorusTesting
import Testing

/// Providers against our loopback server speaking each wire format byte for byte.
@Suite(.timeLimit(.minutes(1))) struct ProviderTests {
    static let fast = RequestRetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)
    static let key = "sk-test-SECRET-1234"

    func collect(_ model: any ChatModel, _ text: String = "hi") async -> (text: String, chunks: [ChatChunk], error: (any Error)?) {
        var chunks: [ChatChunk] = []
        do {
            for try await chunk in model.stream(ChatRequest(messages: [ChatMessage(role: .user, content: text, id: "u")], maxTokens: 50)) {
                chunks.append(chunk)
            }
            return (Self.text(chunks), chunks, nil)
        } catch {
            return (Self.text(chunks), chunks, error)
        }
    }

    static func text(_ chunks: [ChatChunk]) -> String {
        chunks.map { if case .text(let t) = $0 { t } else { "" } }.joined()
    }

    @Test func openAIStreamsTextUsageAndFinish() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("Hel"), "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}", "}]}\r\n\r\n"] + OpenAIStreamBytes.end))
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "gpt-test", apiKey: Self.key, retry: Self.fast)
        let result = await collect(model)
        #expect(result.error == nil)
        #expect(result.text == "Hello")
        #expect(result.chunks.contains(.usage(Usage(inputTokens: 7, outputTokens: 2))))
        #expect(result.chunks.last == .finish(.stop))
        let request = try #require(server.requests.first)
        #expect(request.uri == "/v1/chat/completions")
        #expect(request.header("authorization") == "Bearer \(Self.key)")
        let body = try JSON.parse(request.body)
        #expect(body["stream"] == true)
        #expect(body["stream_options"]?["include_usage"] == true)
        #expect(body["messages"]?.arrayValue?.first?["role"] == "user")
    }

    @Test func anthropicStreamsMessagesEvents() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":11,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Bon\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"jour\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":2}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]))
        let model = Providers.anthropic(baseURL: server.baseURL, model: "claude-test", apiKey: Self.key, retry: Self.fast)
        let result = await collect(model)
        #expect(result.error == nil)
        #expect(result.text == "Bonjour")
        #expect(result.chunks.suffix(2) == [.usage(Usage(inputTokens: 11, outputTokens: 2)), .finish(.length)])
        let request = try #require(server.requests.first)
        #expect(request.uri == "/v1/messages")
        #expect(request.header("x-api-key") == Self.key)
        #expect(request.header("anthropic-version") == "2023-06-01")
        #expect(try JSON.parse(request.body)["max_tokens"] == 50)
    }

    @Test func ollamaStreamsNDJSONSplitAnywhere() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue([.head(status: 200, headers: [("content-type", "application/x-ndjson")]),
                        .body("{\"message\":{\"role\":\"assistant\",\"content\":\"Ol\"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",\"con"),
                        .body("tent\":\"á\"},\"done\":false}\n"),
                        .body("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":2}\n")])
        let result = await collect(Providers.ollama(baseURL: server.baseURL, model: "llama", retry: Self.fast))
        #expect(result.error == nil)
        #expect(result.text == "Olá")
        #expect(result.chunks.last == .finish(.stop))
        #expect(server.requests.first?.uri == "/api/chat")
    }

    @Test func aResponseFormatGoesOnTheWireOfEveryProvider() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let schema: Value = ["type": "object", "properties": ["items": ["type": "array", "items": ["type": "string"]]]]
        let request = ChatRequest(messages: [ChatMessage(role: .system, content: "Be brief.", id: "s"), ChatMessage(role: .user, content: "hi", id: "u")],
                                  responseFormat: ResponseFormat(name: "plan", schema: schema))
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("{}")] + OpenAIStreamBytes.end))
        _ = try await Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: Self.key, retry: Self.fast).invoke(request)
        server.enqueue(LoopbackHTTPServer.sse([
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1}}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]))
        _ = try await Providers.anthropic(baseURL: server.baseURL, model: "m", apiKey: Self.key, retry: Self.fast).invoke(request)
        server.enqueue([.head(status: 200, headers: [("content-type", "application/x-ndjson")]),
                        .body("{\"message\":{\"role\":\"assistant\",\"content\":\"{}\"},\"done\":true,\"done_reason\":\"stop\"}\n")])
        _ = try await Providers.ollama(baseURL: server.baseURL, model: "m", retry: Self.fast).invoke(request)

        let bodies = try server.requests.map { try JSON.parse($0.body) }
        #expect(bodies.count == 3)
        #expect(bodies[0]["response_format"] == ["type": "json_schema", "json_schema": ["name": "plan", "schema": schema, "strict": true]])
        let system = try #require(bodies[1]["system"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(system.hasPrefix("Be brief.\n\n"))
        #expect(system.contains(JSON.serialize(schema)))
        #expect(bodies[1]["response_format"] == nil)
        #expect(bodies[2]["format"] == schema)
    }

    @Test func rateLimitsAndServerErrorsAreRetriedBeforeTheFirstToken() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.error(429, "{\"error\":{\"message\":\"slow down\"}}", headers: [("retry-after", "0")]))
        server.enqueue(LoopbackHTTPServer.error(500, "{\"error\":{\"message\":\"boom\"}}"))
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("ok")] + OpenAIStreamBytes.end))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: Self.key, retry: Self.fast))
        #expect(result.error == nil)
        #expect(result.text == "ok")
        #expect(server.requests.count == 3)
        // Each retry is announced before the reply, with its attempt, delay and the redacted reason.
        let notices = result.chunks.compactMap { if case .retrying(let n) = $0 { n } else { nil } }
        #expect(notices.map(\.attempt) == [2, 3])
        #expect(notices.allSatisfy { $0.maxAttempts == 3 && $0.delay >= 0 && $0.delay <= Self.fast.maxDelay })
        #expect(notices.first?.delay == 0, "Retry-After: 0 is honoured")
        #expect(notices.first?.reason.contains("slow down") == true)
        #expect(notices.last?.reason.contains("boom") == true)
        #expect(result.chunks.firstIndex { if case .text = $0 { true } else { false } }! > 1)
    }

    @Test func anthropicOverloadedIsRetriedThenReported() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        for _ in 0..<3 {
            server.enqueue(LoopbackHTTPServer.error(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))
        }
        let result = await collect(Providers.anthropic(baseURL: server.baseURL, model: "c", apiKey: Self.key, retry: Self.fast))
        #expect(result.error as? ChatProviderError == .http(provider: "anthropic", status: 529, message: "Overloaded"))
        #expect(server.requests.count == 3)
    }

    @Test(arguments: [
        // A one-letter key is no secret: the error's words keep their letters.
        ("x", "max_tokens exceeds the limit for this model (x)", "max_tokens exceeds the limit for this model (x)"),
        // A key is hidden where it stands alone, not where it is part of a longer word.
        (key, "bad key \(key), not \(key)-old or my\(key)", "bad key [redacted], not \(key)-old or my\(key)"),
        (key, "\(key)", "[redacted]"),
    ])
    func keysAreRedactedAsWholeTokensOnly(apiKey: String, message: String, expected: String) async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.error(400, "{\"error\":{\"message\":\"\(message)\"}}"))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: apiKey, retry: Self.fast))
        let error = try #require(result.error as? ChatProviderError)
        #expect(error == .http(provider: "openai", status: 400, message: expected))
    }

    @Test(arguments: [
        (401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-test-SECRET-1234\"}}",
         ChatProviderError.unauthorized(provider: "openai", message: "Incorrect API key provided: [redacted]")),
        (404, "{\"error\":{\"message\":\"The model `nope` does not exist\"}}",
         ChatProviderError.notFound(provider: "openai", message: "The model `nope` does not exist")),
        (400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"code\":\"context_length_exceeded\"}}",
         ChatProviderError.contextOverflow(provider: "openai", message: "This model's maximum context length is 8192 tokens")),
    ])
    func clientErrorsAreTypedNotRetriedAndNeverShowTheKey(status: Int, body: String, expected: ChatProviderError) async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.error(status, body))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "nope", apiKey: Self.key, retry: Self.fast))
        let error = try #require(result.error as? ChatProviderError)
        #expect(error == expected)
        #expect(!"\(error)".contains(Self.key))
        #expect(server.requests.count == 1)
    }

    @Test func aCutAfterTheFirstTokenKeepsThePartialReplyAndIsNotRetried() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("partial "), OpenAIStreamBytes.chunk("answer")]) + [.cut])
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: Self.fast))
        #expect(result.text == "partial answer")
        #expect(result.error is ChatProviderError)
        #expect(server.requests.count == 1)
    }

    /// The bytes a server sent just before it cut the connection often arrive in the
    /// same read as the close; a consumer slower than the stream still gets every one.
    @Test func everyChunkSentBeforeACutReachesASlowConsumer() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let tokens = (0..<60).map { "t\($0) " }
        for round in 0..<10 {
            server.enqueue(LoopbackHTTPServer.sse(tokens.map { OpenAIStreamBytes.chunk($0) }) + [.cut])
            let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: Self.fast)
            var text = ""
            var failure: (any Error)?
            do {
                for try await chunk in model.stream(ChatRequest(messages: [ChatMessage(role: .user, content: "x", id: "u")])) {
                    if case .text(let t) = chunk {
                        text += t
                        if text.count < 40 { try await Task.sleep(for: .milliseconds(2)) }
                    }
                }
            } catch {
                failure = error
            }
            #expect(text == tokens.joined(), "round \(round)")
            #expect(failure as? ChatProviderError == .connection(provider: "openai", detail: "the server closed the connection"))
        }
        #expect(server.requests.count == 10)
    }

    @Test func aFinishedResponseLeavesItsConnectionForTheNextRequest() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let client = ProviderHTTPClient()
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, client: client, retry: .none)
        for word in ["one", "two", "three"] {
            server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk(word), "data: [DONE]\n\n"]))
            #expect(await collect(model).text == word)
        }
        #expect(server.connectionCount == 1)
        // The server lets the idle connection go: the next request opens another, with no error and no retry.
        await server.closeConnections()
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("four"), "data: [DONE]\n\n"]))
        let after = await collect(model)
        #expect(after.text == "four")
        #expect(after.error == nil)
        #expect(server.connectionCount == 2)
        // A response cut short takes its connection with it.
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("five")]) + [.cut])
        _ = await collect(model)
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("six"), "data: [DONE]\n\n"]))
        #expect(await collect(model).text == "six")
        #expect(server.connectionCount == 3)
        #expect(server.requests.count == 6)
    }

    @Test func anHTTPSServerIsTrustedOnlyWithItsCertificate() async throws {
        let server = try await LoopbackHTTPServer(tls: true)
        defer { Task { await server.shutdown() } }
        let trusting = ProviderHTTPClient(trustRoots: .certificates([try LoopbackTLS.certificate()]))
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("over TLS"), "data: [DONE]\n\n"]))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: Self.key, client: trusting, retry: .none))
        #expect(result.text == "over TLS")
        #expect(result.error == nil)
        #expect(server.requests.first?.header("host") == "localhost:\(server.port)")
        #expect(server.requests.first?.header("authorization") == "Bearer \(Self.key)")
        // A cut over TLS (no close_notify) keeps what arrived and is a cut.
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("half")]) + [.cut])
        let cut = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: Self.key, client: trusting, retry: .none))
        #expect(cut.text == "half")
        #expect(cut.error as? ChatProviderError == .connection(provider: "openai", detail: "the server closed the connection"))
        // The system's authorities do not vouch for it: the request is never sent, and the error says why.
        let wary = ProviderHTTPClient()
        let refused = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: Self.key, client: wary, retry: .none))
        let error = try #require(refused.error as? ChatProviderError)
        #expect(error == .connection(provider: "openai", detail: "the server's TLS certificate is not trusted (CERTIFICATE_VERIFY_FAILED)"))
        #expect(server.requests.count == 2)
    }

    @Test func aStreamWithoutItsEndMarkerIsAnError() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("no done")]))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: .none))
        #expect(result.text == "no done")
        #expect(result.error as? ChatProviderError == .connection(provider: "openai", detail: "the stream ended before [DONE]"))
        let invoked = await #expect(throws: ChatProviderError.self) {
            server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("again")]))
            _ = try await Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: .none)
                .invoke(ChatRequest(messages: [ChatMessage(role: .user, content: "x", id: "u")]))
        }
        #expect(invoked != nil)
    }

    @Test func aMalformedChunkIsABadResponse() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("a"), "data: {not json\n\n"]))
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: Self.fast))
        guard case .badResponse? = result.error as? ChatProviderError else {
            Issue.record("expected badResponse, got \(String(describing: result.error))")
            return
        }
        #expect(result.text == "a")
    }

    @Test func anthropicErrorEventMidStreamIsReported() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        ]))
        let result = await collect(Providers.anthropic(baseURL: server.baseURL, model: "c", apiKey: Self.key, retry: Self.fast))
        #expect(result.text == "Hi")
        #expect(result.error as? ChatProviderError == .streamError(provider: "anthropic", type: "overloaded_error", message: "Overloaded"))
        #expect(server.requests.count == 1)
    }

    @Test func aStalledStreamTimesOut() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        // The idle limit leaves room for the first chunk to arrive on a loaded
        // machine (the suite runs in parallel, under ThreadSanitizer in CI).
        let client = ProviderHTTPClient(timeouts: .init(connect: .seconds(5), read: .seconds(3)))
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("wait")]) + [.pause(milliseconds: 15000)] + [.body("data: [DONE]\n\n")])
        let result = await collect(Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, client: client, retry: Self.fast))
        #expect(result.text == "wait")
        #expect(result.error as? ChatProviderError == .connection(provider: "openai", detail: "no data from the server for too long"))
    }

    @Test func cancellingTheConsumerEndsTheStream() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("first")]) + [.pause(milliseconds: 20_000)])
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil, retry: Self.fast)
        let got = Signal()
        let consumer = Task {
            var text = ""
            for try await chunk in model.stream(ChatRequest(messages: [ChatMessage(role: .user, content: "x", id: "u")])) {
                if case .text(let t) = chunk { text += t; got.fire() }
            }
            return text
        }
        await got.wait()
        consumer.cancel()
        // A cancelled consumer's iteration ends at once with CancellationError;
        // had the HTTP stream not been closed, it would end 20 s later with a
        // protocol error (no [DONE]) instead.
        let outcome = await consumer.result
        guard case .failure(let error) = outcome, error is CancellationError else {
            Issue.record("expected the cancelled stream to end with CancellationError, got \(outcome)")
            return
        }
    }
}
