import ChorusRuns
import ChorusGraph
import ChorusSupport
import ChorusTesting
import ChorusTUI
import Foundation
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// The runtime itself, on a manual clock with an in-memory backend and
/// terminal: frame coalescing, keys drawn at once, cancellation reaching
/// the backend, a retry counting down. No disk, no model, no wall-clock sleeps.
@Suite(.timeLimit(.minutes(1))) struct RuntimeClockTests {
    let clock = ManualFrameClock()
    let backend = ScriptedBackend()
    let terminal = RecordingTerminal()

    /// Starts the app and sends one message, whose reply the test then scripts.
    func startReplying(releaseFreeMemory: @escaping @Sendable () -> Void = {}) async throws -> (Task<SessionStats, Never>, waiting: @Sendable () -> Int) {
        let model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(), defaultProvider: "scripted", providerChoices: ["scripted"])
        let runtime = AppRuntime(model: model, terminal: terminal, backend: backend, clipboardPath: NSTemporaryDirectory() + "chorus-clock-clip.txt",
                                 clock: clock, releaseFreeMemory: releaseFreeMemory)
        let waiting = runtime.waitingRunMessages
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 100, height: 24))
        try await terminal.until { $0.contains("Message (Enter sends") }
        terminal.input(.paste("hello"))
        terminal.input(.key(.enter))
        try await terminal.until { $0.contains("waiting for model") }
        try await until { backend.record.replies == ["hello"] }
        return (running, waiting)
    }

    /// Waits (on the real clock, polling) for the runtime's other tasks to get somewhere.
    func until(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        try #require(condition(), "sleepers \(clock.sleeperCount) sent \(backend.record.sent) frames \(terminal.frameCount)")
    }

    func quit(_ running: Task<SessionStats, Never>) async {
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
    }

    @Test func tokensThatArriveTogetherShareOneFrameWhenItIsDue() async throws {
        let (running, waiting) = try await startReplying()
        let before = terminal.frameCount
        backend.then(.tokens((0..<10).map { "t\($0) " }))
        // The ticker sleeps on the clock, and now the frame due for the tokens, which wait for it.
        try await until { waiting() == 10 && clock.sleeperCount == 2 }
        #expect(terminal.frameCount == before)
        clock.advance(by: .milliseconds(16))
        try await terminal.until { $0.contains("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9") }
        #expect(terminal.frameCount == before + 1)
        backend.then(.end)
        await quit(running)
    }

    /// A key is drawn at once, ahead of the tokens waiting for their frame: applying them would
    /// delay the key. They go with the frame after it, one frame interval on.
    @Test func aKeyIsDrawnAtOnceAndTheTokensWaitingGoWithTheFrameAfterIt() async throws {
        let (running, waiting) = try await startReplying()
        backend.then(.tokens(["streamed "]))
        try await until { waiting() == 1 && clock.sleeperCount == 2 }
        let before = terminal.frameCount
        terminal.input(.key(.character("x")))
        try await terminal.until { _ in terminal.lastInputShown }
        #expect(terminal.frameCount == before + 1)
        #expect(!terminal.screenText.contains("streamed"))
        // The token frame the key replaced is due one interval after the key's frame.
        try await until { clock.sleeperCount == 2 }
        clock.advance(by: .milliseconds(16))
        try await terminal.until { $0.contains("streamed") }
        #expect(terminal.frameCount == before + 2)
        backend.then(.end)
        await quit(running)
    }

    @Test func escapeCancelsTheReplyInTheBackend() async throws {
        let (running, _) = try await startReplying()
        backend.then(.tokens(["partial "]))
        try await until { backend.record.sent == 1 }
        terminal.input(.key(.escape))
        try await terminal.until { $0.contains("[cancelled]") }
        // The reply's task was cancelled: the backend's next step finds it so.
        backend.then(.tokens(["late"]))
        try await until { backend.record.cancelled == 1 }
        #expect(backend.record.sent == 1)
        await quit(running)
    }

    @Test func aRetryCountsDownOnTheRuntimesClock() async throws {
        let (running, _) = try await startReplying()
        backend.then(.retrying(RunRetry(node: "model", task: nil, attempt: 2, maxAttempts: 4, delay: 5, reason: "HTTP 503")))
        try await until { backend.record.retries == 1 && clock.sleeperCount == 2 }
        clock.advance(by: .milliseconds(16))
        try await terminal.until { $0.contains("retrying in 5s (attempt 2 of 4)") }
        // Two seconds on: the ticker's next tick redraws the countdown.
        clock.advance(by: .seconds(2))
        try await terminal.until { $0.contains("retrying in 3s (attempt 2 of 4)") }
        backend.then(.end)
        await quit(running)
    }

    @Test func freeMemoryIsGivenBackWhenTheReplyEndsNotWhileItStreams() async throws {
        let released = Locked(0)
        let (running, _) = try await startReplying(releaseFreeMemory: { released.withLock { $0 += 1 } })
        backend.then(.tokens(["streamed "]))
        try await until { backend.record.sent == 1 }
        #expect(released.withLock { $0 } == 0)
        backend.then(.end)
        try await until { released.withLock { $0 } == 1 }
        await quit(running)
    }
}
