import ChorusSupport

/// The stream of one run: its parts, then the run's error if it failed.
public typealias RunStream = BatchingStream<StreamPart>

/// A throwing `AsyncSequence` fed by a producer task. The consumer takes
/// everything buffered in one lock, so a fast producer (a token stream) costs
/// one wake-up per batch, not per element. Dropping the iterator, or
/// cancelling the consuming task, calls the producer's termination handler.
public struct BatchingStream<Element: Sendable>: AsyncSequence, Sendable {
    let buffer: StreamBuffer<Element>
    private let lifetime: StreamLifetime<Element>

    init(buffer: StreamBuffer<Element>) {
        self.buffer = buffer
        self.lifetime = StreamLifetime(buffer)
    }

    /// A stream and the handle its producer writes to.
    public static func makeStream() -> (stream: BatchingStream, continuation: Continuation) {
        let buffer = StreamBuffer<Element>()
        return (BatchingStream(buffer: buffer), Continuation(buffer: buffer))
    }

    /// The producer's side.
    public struct Continuation: Sendable {
        let buffer: StreamBuffer<Element>

        public func yield(_ element: Element) { buffer.yield(element) }
        /// Queues several elements at once: a waiting consumer wakes once for all of them.
        public func yield(contentsOf elements: [Element]) { buffer.yield(contentsOf: elements) }
        /// Ends the stream, with `error` when the producer failed.
        public func finish(throwing error: (any Error)? = nil) { buffer.finish(throwing: error) }
        /// Called once when the consumer goes away (drop or cancel).
        public func onTermination(_ action: @escaping @Sendable () -> Void) { buffer.setOnTermination(action) }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer, lifetime: lifetime) }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: StreamBuffer<Element>
        let lifetime: StreamLifetime<Element>
        private var batch: [Element] = []
        private var position = 0

        init(buffer: StreamBuffer<Element>, lifetime: StreamLifetime<Element>) {
            self.buffer = buffer
            self.lifetime = lifetime
        }

        public mutating func next() async throws -> Element? {
            if position < batch.count {
                position += 1
                return batch[position - 1]
            }
            batch = try await buffer.takeAll()
            if batch.isEmpty { return nil }
            position = 1
            return batch[0]
        }
    }
}

/// Ends the run when the last copy of the stream and its iterators is gone.
final class StreamLifetime<Element: Sendable>: Sendable {
    let buffer: StreamBuffer<Element>
    init(_ buffer: StreamBuffer<Element>) { self.buffer = buffer }
    deinit { buffer.terminate() }
}

/// The queue between a run and its consumer.
final class StreamBuffer<Element: Sendable>: Sendable {
    private enum Answer { case items([Element]), failure(any Error), wait }

    private struct State {
        var items: [Element] = []
        var waiter: CheckedContinuation<[Element], any Error>?
        var finished = false
        var failure: (any Error)?
        var onTermination: (@Sendable () -> Void)?
    }
    private let state = Locked(State())

    /// Called once when the consumer goes away or the run ends.
    func setOnTermination(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onTermination = action }
    }

    func yield(_ part: Element) {
        let waiter: CheckedContinuation<[Element], any Error>? = state.withLock { s in
            if s.finished { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.items.append(part)
            return nil
        }
        waiter?.resume(returning: [part])
    }

    func yield(contentsOf parts: [Element]) {
        if parts.isEmpty { return }
        let waiter: CheckedContinuation<[Element], any Error>? = state.withLock { s in
            if s.finished { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.items.append(contentsOf: parts)
            return nil
        }
        waiter?.resume(returning: parts)
    }

    /// The run is over (with `error` when it failed).
    func finish(throwing error: (any Error)? = nil) {
        let waiter: CheckedContinuation<[Element], any Error>? = state.withLock { s in
            if s.finished { return nil }
            s.finished = true
            guard let w = s.waiter else {
                s.failure = error
                return nil
            }
            s.waiter = nil
            return w
        }
        guard let waiter else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: []) }
    }

    /// The consumer went away: stop the run and wake anyone waiting.
    func terminate() {
        let (action, waiter) = state.withLock { s -> ((@Sendable () -> Void)?, CheckedContinuation<[Element], any Error>?) in
            s.finished = true
            s.items = []
            let a = s.onTermination
            s.onTermination = nil
            let w = s.waiter
            s.waiter = nil
            return (a, w)
        }
        action?()
        waiter?.resume(throwing: CancellationError())
    }

    /// Everything buffered, waiting for at least one part; empty at the end.
    func takeAll() async throws -> [Element] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[Element], any Error>) in
                let answer: Answer = state.withLock { s in
                    if !s.items.isEmpty {
                        defer { s.items = [] }
                        return .items(s.items)
                    }
                    if s.finished {
                        if let f = s.failure {
                            s.failure = nil
                            return .failure(f)
                        }
                        return .items([])
                    }
                    s.waiter = c
                    return .wait
                }
                switch answer {
                case .items(let items): c.resume(returning: items)
                case .failure(let error): c.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            self.terminate()
        }
    }
}
