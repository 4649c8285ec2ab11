import ChorusGraph

/// What a research run reports as it goes, on the `custom` stream: the plan
/// once, then each branch's status changes. The graph writes it; the
/// research view, `chorus research` and clients of `chorus serve` read it.
///
/// On the wire: `{"plan": [sub-question, …]}`, or
/// `{"branch", "of", "status": "running"|"done"|"failed", "sub_question", "error"?}`.
public enum ResearchProgress: Sendable, Equatable, StateValue {
    /// The sub-questions, in branch order, before any branch starts.
    case plan([String])
    /// A branch started, finished or failed.
    case branch(Branch)

    public struct Branch: Sendable, Equatable, Codable, StateValue {
        public enum Status: String, Sendable, Codable { case running, done, failed }
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
        } else {
            self = .branch(try Branch(stateValue: stateValue))
        }
    }

    public var stateValue: Value {
        switch self {
        case .plan(let questions): return ["plan": questions.stateValue]
        case .branch(let branch): return branch.stateValue
        }
    }
}
