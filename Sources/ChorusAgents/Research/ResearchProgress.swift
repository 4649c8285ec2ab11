import ChorusGraph

/// What a research run reports as it goes, on the `custom` stream: the plan
/// once, then each branch's status changes. The graph writes it; the
/// research view, `chorus research` and clients of `chorus serve` read it.
///
/// On the wire: `{"plan": [sub-question, …]}`,
/// `{"branch", "of", "status": "running"|"done"|"failed"|"stopped", "sub_question", "error"?}`,
/// or, before the answer of a run with a budget, `{"budget": {"max_tokens", "max_usd", "tokens", "usd", "reached"}}`.
public enum ResearchProgress: Sendable, Equatable, StateValue {
    /// The sub-questions, in branch order, before any branch starts.
    case plan([String])
    /// A branch started, finished or failed.
    case branch(Branch)
    /// What the run's model calls spent against its budget, told before the answer.
    case budget(Budget)

    public struct Budget: Sendable, Equatable, Codable, StateValue {
        public var maxTokens: Int?
        public var maxUSD: Double?
        /// Spent by the planner's and the branches' calls.
        public var tokens: Int
        public var usd: Double
        /// Whether the budget was reached (branches stopped, none started after).
        public var reached: Bool

        public init(maxTokens: Int?, maxUSD: Double?, tokens: Int, usd: Double, reached: Bool) {
            self.maxTokens = maxTokens
            self.maxUSD = maxUSD
            self.tokens = tokens
            self.usd = usd
            self.reached = reached
        }

        enum CodingKeys: String, CodingKey {
            case maxTokens = "max_tokens", maxUSD = "max_usd", tokens, usd, reached
        }
    }

    public struct Branch: Sendable, Equatable, Codable, StateValue {
        /// `stopped`: cut short by the run's budget.
        public enum Status: String, Sendable, Codable { case running, done, failed, stopped }
        /// 1-based position of the branch in the plan.
        public var index: Int
        /// How many branches the plan has.
        public var of: Int
        public var status: Status
        public var subQuestion: String
        /// Why the branch failed.
        public var error: String?

        public init(index: Int, of: Int, status: Status, subQuestion: String, error: String? = nil) {
            self.index = index
            self.of = of
            self.status = status
            self.subQuestion = subQuestion
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case index = "branch", of, status, subQuestion = "sub_question", error
        }
    }

    /// Reads a `custom` event's payload; throws when it is not research progress.
    public init(stateValue: Value) throws {
        if let plan = stateValue["plan"] {
            self = .plan(try [String](stateValue: plan))
        } else if let budget = stateValue["budget"] {
            self = .budget(try Budget(stateValue: budget))
        } else {
            self = .branch(try Branch(stateValue: stateValue))
        }
    }

    public var stateValue: Value {
        switch self {
        case .plan(let questions): return ["plan": questions.stateValue]
        case .branch(let branch): return branch.stateValue
        case .budget(let budget): return ["budget": budget.stateValue]
        }
    }
}
