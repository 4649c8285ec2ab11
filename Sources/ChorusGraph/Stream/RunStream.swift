
/// The stream of one run: an `AsyncSequence` of `StreamPart`s that throws the
/// run's error. The consumer takes everything buffered in one lock, so a fast
/// producer (a token stream) costs one wake-up per batch, not per part.
/// Dropping the iterator, or cancelling the consuming task, stops the run.
public struct RunStream: AsyncSequence, Sendable {
    public typealias Element = StreamPart

    let buffer: StreamBuffer
    private let lifetime: StreamLifetime

    init(buffer: StreamBuffer) {
        self.buffer = buffer
        self.lifetime = StreamLifetime(buffer)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer, lifetime: lifetime) }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: StreamBuffer
        let lifetime: StreamLifetime
        private var batch: [StreamPart] = []
        private var position = 0

        init(buffer: StreamBuffer, lifetime: StreamLifetime) {
            self.buffer = buffer
            self.lifetime = lifetime
        }

        public mutating func next() async throws -> StreamPart? {
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
final class StreamLifetime: Sendable {
    let buffer: StreamBuffer
    init(_ buffer: StreamBuffer) { self.buffer = buffer }
    deinit { buffer.terminate() }
}

/// The queue between a run and its consumer.
final class StreamBuffer: Sendable {
    private struct State {
        var items: [StreamPart] = []
        var waiter: CheckedContinuation<[StreamPart], any Error>?
        var finished = false
        var failure: (any Error)?
        var onTermination: (@Sendable () -> Void)?
    }
    private let state = Locked(State())

    /// Called once when the consumer goes away or the run ends.
    func setOnTermination(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onTermination = action }
    }

    func yield(_ part: StreamPart) {
        let waiter: CheckedContinuation<[StreamPart], any Error>? = state.withLock { s in
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

    /// The run is over (with `error` when it failed).
    func finish(throwing error: (any Error)? = nil) {
        let waiter: CheckedContinuation<[StreamPart], any Error>? = state.withLock { s in
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
        let (action, waiter) = state.withLock { s -> ((@Sendable () -> Void)?, CheckedContinuation<[StreamPart], any Error>?) in
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
    func takeAll() async throws -> [StreamPart] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[StreamPart], any Error>) in
                enum Answer { case items([StreamPart]), failure(any Error), wait }
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
