import Foundation

/// A value behind a lock, for state shared between tasks.
///
/// Uses `NSLock` (a pthread mutex), which ThreadSanitizer understands, rather
/// than `Synchronization.Mutex`, whose futex-based lock it cannot see on Linux
/// and so reports false races.
///
/// `@unchecked Sendable` is safe because `value` is only ever read or written
/// inside `withLock`, which holds `lock` for the whole closure; the closure
/// cannot let `value` escape by reference (`inout` ends with the call), and
/// `State` itself is `Sendable`, so what it returns may cross tasks.
public final class Locked<State: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: State

    public init(_ value: State) { self.value = value }

    /// Runs `body` with exclusive access to the state.
    @inline(__always)
    public func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
