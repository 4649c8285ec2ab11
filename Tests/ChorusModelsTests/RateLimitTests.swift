@testable import ChorusModels
import ChorusGraph
import ChorusSupport
import ChorusTesting
import Foundation
import Testing

/// A provider's `requests_per_minute` and `tokens_per_minute`: token buckets
/// on a clock the test moves, then real calls to the scripted loopback
/// provider, held back and told like a retry.
@Suite(.timeLimit(.minutes(1))) struct RateLimitTests {
    let t0 = ContinuousClock.now

    @Test func requestsGoOutEvenlyAfterOneSecondsWorth() {
        let limiter = RateLimiter(RateLimits(requestsPerMinute: 120), now: t0)  // 2 a second
        let waits = (0..<5).map { _ in limiter.reserve(tokens: 0, now: t0) }
        #expect(waits == [0, 0, 0.5, 1.0, 1.5])
        // 4.5 seconds on, the bucket is full again (two), not nine.
        let later = t0 + .seconds(4.5)
        #expect([limiter.reserve(tokens: 0, now: later), limiter.reserve(tokens: 0, now: later), limiter.reserve(tokens: 0, now: later)] == [0, 0, 0.5])
    }

    @Test func tokensAreReservedByEstimateAndSetRightByWhatWasCounted() {
        let limiter = RateLimiter(RateLimits(tokensPerMinute: 600), now: t0)  // 10 a second, 10 at most in the bucket
        // A call larger than the bucket goes when it is full, and overdraws it.
        #expect(limiter.reserve(tokens: 30, now: t0) == 0)
        #expect(limiter.reserve(tokens: 5, now: t0) == 2.5)
        // The first call used 10 tokens, not 30: 20 go back (the bucket is at -5, not -25).
        limiter.settle(estimated: 30, actual: 10)
        #expect(limiter.reserve(tokens: 5, now: t0) == 1.0)
    }

    @Test func limitersAreSharedPerProviderAndLimits() {
        let limits = RateLimits(requestsPerMinute: 7)
        let a = RateLimiter.shared(provider: "rate-test-\(UUID())", limits: limits)
        #expect(a != nil)
        #expect(RateLimiter.shared(provider: "x", limits: RateLimits()) == nil)
        let name = "rate-test-\(UUID())"
        #expect(RateLimiter.shared(provider: name, limits: limits) === RateLimiter.shared(provider: name, limits: limits))
        #expect(RateLimiter.shared(provider: name, limits: limits) !== RateLimiter.shared(provider: name, limits: RateLimits(requestsPerMinute: 8)))
    }

    @Test func callsOverTheLimitWaitAndSayWhy() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        for _ in 0..<4 { server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("ok")] + OpenAIStreamBytes.end)) }
        var limited = Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil)
        limited.rateLimiter = RateLimiter(RateLimits(requestsPerMinute: 120))  // 2 a second: 2 at once, then one each 0.5 s
        let model = limited
        let started = ContinuousClock.now
        let notices = try await withThrowingTaskGroup(of: [RetryNotice].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var notices: [RetryNotice] = []
                    for try await chunk in model.stream(ChatRequest(messages: [ChatMessage(role: .user, content: "hi", id: "u")])) {
                        if case .retrying(let notice) = chunk { notices.append(notice) }
                    }
                    return notices
                }
            }
            return try await group.reduce(into: [RetryNotice]()) { $0 += $1 }
        }
        #expect(server.requests.count == 4)
        // The fourth call waited a second for its turn, and each wait was told.
        #expect(ContinuousClock.now - started >= .milliseconds(900))
        let delays = notices.map(\.delay).sorted()
        #expect(delays.count == 2 && abs(delays[0] - 0.5) < 0.1 && abs(delays[1] - 1.0) < 0.1, "\(delays)")
        #expect(notices.allSatisfy { $0.reason == "openai: waiting for the rate limit (120 requests/min)" })
    }
}
