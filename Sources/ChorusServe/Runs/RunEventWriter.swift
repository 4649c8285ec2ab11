import ChorusGraph
import ChorusStore
import ChorusSupport
import Logging

/// Keeps the events of the runs this instance runs in the run queue, for
/// clients that follow them from other instances, for a failover's replay
/// and for a late `join`. Events are gathered for a few milliseconds and written together
/// (every run's in one statement); batches are written in order.
final class RunEventWriter: Sendable {
    private struct State {
        var pending: [StoredRunEvent] = []
        /// The newest batch being written: the next one waits for it.
        var last: Task<Void, Never>?
    }

    private let queue: any RunQueue
    private let logger: Logger
    private let state = Locked(State())
    private let bell: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>
    /// How long events are gathered before they are written.
    static let window = Duration.milliseconds(5)

    init(queue: any RunQueue, logger: Logger) {
        self.queue = queue
        self.logger = logger
        let (rings, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.bell = bell
        let state = self.state
        loop = Task {
            for await _ in rings {
                try? await Task.sleep(for: Self.window)
                await Self.write(state: state, queue: queue, logger: logger)
            }
        }
    }

    deinit {
        bell.finish()
        loop.cancel()
    }

    /// Keeps an event (called in event order for each run).
    func add(_ event: StoredRunEvent) {
        let wasEmpty = state.withLock { s in
            s.pending.append(event)
            return s.pending.count == 1
        }
        if wasEmpty { bell.yield() }
    }

    /// Returns once every event added so far is written (or its write failed).
    func flush() async {
        await Self.write(state: state, queue: queue, logger: logger)
    }

    private static func write(state: Locked<State>, queue: any RunQueue, logger: Logger) async {
        let task = state.withLock { s -> Task<Void, Never> in
            let batch = s.pending
            s.pending = []
            let previous = s.last
            let task = Task {
                await previous?.value
                guard !batch.isEmpty else { return }
                do {
                    try await queue.append(batch)
                } catch {
                    logger.error("chorus serve: could not keep \(batch.count) run events in the run queue: \(error)")
                }
            }
            s.last = task
            return task
        }
        await task.value
    }
}
