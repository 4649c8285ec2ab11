extension ConcurrencyLimiter {
    /// The limiter's bookkeeping, with no continuations or locks: each method
    /// returns what the holder must do. Waiters are served first come, first served.
    struct StateMachine: Sendable {
        private enum Ticket { case issued, waiting, cancelled }

        private(set) var available: Int
        private var tickets: [Int: Ticket] = [:]
        private var queue: [Int] = []
        private var nextTicket = 0

        init(permits: Int) { available = permits }

        /// A ticket for one `acquire`, so a cancellation that comes first is not lost.
        mutating func issue() -> Int {
            nextTicket += 1
            tickets[nextTicket] = .issued
            return nextTicket
        }

        enum AcquireAction: Equatable { case proceed, suspend, cancelled }

        mutating func acquire(_ ticket: Int) -> AcquireAction {
            if tickets[ticket] == .cancelled {
                tickets[ticket] = nil
                return .cancelled
            }
            if available > 0 && queue.isEmpty {
                available -= 1
                tickets[ticket] = nil
                return .proceed
            }
            tickets[ticket] = .waiting
            queue.append(ticket)
            return .suspend
        }

        enum ReleaseAction: Equatable { case none, resume(Int) }

        /// A permit came back: handed straight to the longest waiter, if any.
        mutating func release() -> ReleaseAction {
            guard !queue.isEmpty else {
                available += 1
                return .none
            }
            let next = queue.removeFirst()
            tickets[next] = nil
            return .resume(next)
        }

        enum CancelAction: Equatable { case none, fail(Int) }

        mutating func cancel(_ ticket: Int) -> CancelAction {
            switch tickets[ticket] {
            case .issued?:
                tickets[ticket] = .cancelled
                return .none
            case .waiting?:
                tickets[ticket] = nil
                queue.removeAll { $0 == ticket }
                return .fail(ticket)
            case .cancelled?, nil:
                return .none
            }
        }
    }
}
