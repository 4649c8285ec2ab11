/// A cap on what a research run's model calls may spend: the input and
/// output tokens of every call (the planner's and each branch's), and their
/// cost from the models' prices. Once either is reached no new call starts
/// and running branches stop with what they have; the synthesizer's call is
/// outside the budget, so the run still answers with what was found.
public struct ResearchBudget: Sendable, Equatable {
    public var tokens: Int?
    public var usd: Double?

    public init(tokens: Int? = nil, usd: Double? = nil) {
        self.tokens = tokens
        self.usd = usd
    }

    /// Whether it caps anything.
    public var isEmpty: Bool { tokens == nil && usd == nil }

    /// Whether `tokens` and `usd` spent reach it.
    func isReached(tokens spentTokens: Int, usd spentUSD: Double) -> Bool {
        if let tokens, spentTokens >= tokens { return true }
        if let usd, spentUSD >= usd { return true }
        return false
    }
}

/// A branch or call stopped because the run's budget was reached; `partial`
/// is the text the call had streamed when it stopped.
public struct BudgetReached: Error, CustomStringConvertible, Sendable {
    public var partial: String

    public var description: String { "the research budget was reached" }
}
