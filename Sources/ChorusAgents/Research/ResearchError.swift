/// Why a research run could not produce an answer.
public enum ResearchError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The planner's reply was not the requested plan, even when asked again.
    case invalidPlan(String)
    /// Every branch failed; their sub-questions and errors.
    case allBranchesFailed([String])
    /// The budget ran out before any branch found anything.
    case budgetReachedBeforeFindings

    public var description: String {
        switch self {
        case .invalidPlan(let why): return "the planner did not return a valid plan: \(why)"
        case .allBranchesFailed(let failures): return "every research branch failed: " + failures.joined(separator: "; ")
        case .budgetReachedBeforeFindings: return "the research budget ran out before any branch found anything; raise --budget-tokens or --budget-usd"
        }
    }
}
