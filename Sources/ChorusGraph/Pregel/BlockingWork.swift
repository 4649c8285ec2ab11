import ChorusSupport
import Dispatch

/// Synchronous work that blocks its thread (a C library call, file or
/// socket I/O without async, a CPU-bound loop) run off Swift's cooperative
/// pool, so it cannot stall other runs: the pool has one thread per core, and
/// a node blocking one of them on 2 cores halves every other run's speed.
///
/// Each call gets a serial dispatch queue of its own; serial queues are served
/// by libdispatch's overcommitting threads, which grow when threads block,
/// unlike the cooperative pool.
enum BlockingWork {
    /// Runs `body` on a thread outside the cooperative pool and returns its
    /// result. When the awaiting task is cancelled the call throws
    /// `CancellationError` at once; `body` itself cannot be stopped and runs
    /// to its end, its result dropped.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let outcome = Locked<Waiting<T>>(.waiting(nil))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let cancelled = outcome.withLock { state -> Bool in
                    if case .cancelled = state { return true }
                    state = .waiting(continuation)
                    return false
                }
                if cancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                DispatchQueue(label: "chorus.blocking-node").async {
                    let result = Result { try body() }
                    outcome.withLock { $0.finish() }?.resume(with: result)
                }
            }
        } onCancel: {
            outcome.withLock { $0.cancel() }?.resume(throwing: CancellationError())
        }
    }

    /// Who still waits for the work: resumed exactly once, by whichever of
    /// finishing and cancelling comes first.
    private enum Waiting<T: Sendable>: Sendable {
        case waiting(CheckedContinuation<T, any Error>?)
        case cancelled
        case done

        /// The work finished: the continuation to resume, if it still waits.
        mutating func finish() -> CheckedContinuation<T, any Error>? {
            guard case .waiting(let continuation) = self else { return nil }
            self = .done
            return continuation
        }

        /// The task was cancelled: the continuation to resume, if any.
        mutating func cancel() -> CheckedContinuation<T, any Error>? {
            guard case .waiting(let continuation) = self else { return nil }
            self = .cancelled
            return continuation
        }
    }
}
