import ChorusGraph
import ChorusModels
import ChorusTesting

/// `providers` (Chorus only): SSE tokens per second parsed from a loopback
/// server through the OpenAI provider, and 64 concurrent streams through one
/// HTTP client under maxConcurrency 64. The replies are prepared before the
/// clock starts; the server (in this process) still shares the CPU.
enum ProviderStreams {
    static func chunk(_ i: Int) -> String {
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\(i % 10) \"},\"finish_reason\":null}]}\n\n"
    }

    static func reply(tokens: Int, perWrite: Int) -> [LoopbackHTTPServer.Step] {
        var steps: [LoopbackHTTPServer.Step] = [.head(status: 200, headers: [("content-type", "text/event-stream")])]
        var i = 0
        while i < tokens {
            let n = min(perWrite, tokens - i)
            steps.append(.body((i..<(i + n)).map(chunk).joined()))
            i += n
        }
        steps.append(.body("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
        return steps
    }

    static func count(_ model: any ChatModel) async throws -> Int {
        var n = 0
        for try await chunk in model.stream(ChatRequest(messages: [ChatMessage(role: .user, content: "go", id: "u")])) {
            if case .text = chunk { n += 1 }
        }
        return n
    }

    static func run() async throws -> Value {
        let server = try await LoopbackHTTPServer()
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "bench", apiKey: nil)
        let tokens = Bench.quick ? 20_000 : 200_000
        let (_, reps) = Bench.plan(1, 3)
        server.enqueue(reply(tokens: 1000, perWrite: 500))
        _ = try await count(model)
        let big = reply(tokens: tokens, perWrite: 2000)
        let parse = try await Bench.time(warmup: 0, reps: reps) {
            server.enqueue(big)
            try Bench.check(try await count(model) == tokens, "every SSE token parsed")
        }
        let streams = 64, perStream = Bench.quick ? 200 : 2000
        var walls: [Double] = []
        var slowest: [Double] = []
        let small = reply(tokens: perStream, perWrite: 50)
        for _ in 0..<reps {
            for _ in 0..<streams { server.enqueue(small) }
            let t0 = Bench.now()
            let durations = try await BoundedTaskGroup.map(Array(0..<streams), limit: 64) { _ in
                let start = Bench.now()
                try Bench.check(try await count(model) == perStream, "every stream complete")
                return Double(Bench.now() - start) / 1e9
            }
            walls.append(Double(Bench.now() - t0) / 1e9)
            slowest.append(durations.max() ?? 0)
        }
        await server.shutdown()
        return [
            "sse_tokens": .int(tokens), "sse_tokens_per_s": .int(Int(Double(tokens) / Bench.median(parse))),
            "streams": .int(streams), "tokens_per_stream": .int(perStream),
            "concurrent_wall_ms": Bench.round(Bench.median(walls) * 1e3), "slowest_stream_ms": Bench.round(Bench.median(slowest) * 1e3),
            "reps": .int(reps),
        ]
    }
}
