import ChorusGraph
import ChorusSupport
import ChorusTUI
#if canImport(Glibc)
import Glibc
#endif

/// The app's terminal in memory, for tests and benchmarks: it diffs each
/// presented frame against the last (the curses layer's work, minus writing
/// to a tty), keeps the screen as text, and lets a caller feed input and wait
/// for text to appear.
public final class RecordingTerminal: TerminalDevice {
    public let events: AsyncStream<TerminalEvent>
    private let continuation: AsyncStream<TerminalEvent>.Continuation
    private let state = Locked<(previous: Buffer?, text: String, frames: Int, inputAt: ContinuousClock.Instant?, shown: Bool)>(
        (nil, "", 0, nil, false))
    private let changed = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// CPU seconds the caller's own screen reading cost in this process:
    /// turning each frame into text and testing the texts it waits for. Not the app's.
    private let harness = Locked(0.0)

    public init() { (events, continuation) = AsyncStream.makeStream() }

    /// The screen never showed what `until` waited for; `screen` is what it showed last.
    public struct Timeout: Error, CustomStringConvertible {
        public let screen: String
        public var description: String { "the screen never showed what was expected; it showed:\n\(screen)" }
    }

    /// CPU seconds spent by the caller's own screen reading so far (benchmarks subtract it).
    public var harnessCPUSeconds: Double { harness.withLock { $0 } }

    /// Runs `body`, adding the CPU time of this thread meanwhile to the harness's.
    private func harnessWork<T>(_ body: () -> T) -> T {
        let start = Self.threadCPUSeconds()
        defer { let spent = Self.threadCPUSeconds() - start; harness.withLock { $0 += spent } }
        return body()
    }

    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Delivers a key, paste or resize to the app.
    public func input(_ event: TerminalEvent) {
        state.withLock { $0.inputAt = ContinuousClock.now; $0.shown = false }
        continuation.yield(event)
    }

    /// Whether a frame was presented after the last input.
    public var lastInputShown: Bool { state.withLock { $0.shown } }

    /// Diffs the frame (inside the runtime's frame time, as curses' work would be) and keeps its text.
    public func present(_ buffer: Buffer) {
        let previous = state.withLock { $0.previous }
        _ = BufferDiff(from: previous, to: buffer)
        let text = harnessWork { buffer.lines.joined(separator: "\n") }
        state.withLock { s in
            s.previous = buffer
            s.text = text
            s.frames += 1
            if s.inputAt != nil { s.shown = true }
        }
        changed.continuation.yield()
    }

    public func copyToClipboard(_ text: String) {}

    /// Frames presented so far.
    public var frameCount: Int { state.withLock { $0.frames } }

    /// The text of the last frame.
    public var screenText: String { state.withLock { $0.text } }

    /// Waits (up to `limit`) until the screen satisfies `condition`; throws
    /// `Timeout` at the deadline even when the app has stopped drawing.
    public func until(within limit: Duration = .seconds(60), _ condition: @escaping (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        let changed = self.changed
        let alarm = Task {
            try await Task.sleep(until: deadline)
            changed.continuation.yield()
        }
        defer { alarm.cancel() }
        var iterator = changed.stream.makeAsyncIterator()
        while !harnessWork({ condition(state.withLock { $0.text }) }) {
            guard ContinuousClock.now < deadline else { throw Timeout(screen: state.withLock { $0.text }) }
            _ = await iterator.next()
        }
    }
}
