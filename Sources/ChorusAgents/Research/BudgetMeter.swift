import ChorusSupport
import Foundation

/// What a research run has spent against its `ResearchBudget`, shared by
/// every model call of the run. Tokens count as they stream (the prompt's
/// estimate at the first token, one per text chunk after), then as the
/// provider reports them when the call ends, so the cap holds mid-call. When
/// the budget is reached, every call in flight is told to stop.
public final class BudgetMeter: Sendable {
    public let budget: ResearchBudget
    private let state = Locked(State())

    struct State {
        var tokens = 0
        var usd = 0.0
        var reached = false
        var stoppers: [UUID: @Sendable () -> Void] = [:]
    }

    public init(_ budget: ResearchBudget) {
        self.budget = budget
    }

    /// Tokens and US dollars spent so far.
    public var spent: (tokens: Int, usd: Double) { state.withLock { ($0.tokens, $0.usd) } }

    public var isReached: Bool { state.withLock(\.reached) }

    /// Adds what a call spent (a correction may be negative); stops every call in flight once the budget is reached.
    func charge(tokens: Int, usd: Double) {
        let stop = state.withLock { s -> [@Sendable () -> Void] in
            s.tokens += tokens
            s.usd += usd
            guard !s.reached, budget.isReached(tokens: s.tokens, usd: s.usd) else { return [] }
            s.reached = true
            defer { s.stoppers = [:] }
            return Array(s.stoppers.values)
        }
        stop.forEach { $0() }
    }

    /// Registers a call in flight: `stop` runs when the budget is reached.
    /// Returns nil, registering nothing, when it already is (no new call starts).
    func admit(stop: @escaping @Sendable () -> Void) -> UUID? {
        state.withLock { s in
            guard !s.reached else { return nil }
            let id = UUID()
            s.stoppers[id] = stop
            return id
        }
    }

    func release(_ id: UUID) {
        _ = state.withLock { $0.stoppers.removeValue(forKey: id) }
    }
}
