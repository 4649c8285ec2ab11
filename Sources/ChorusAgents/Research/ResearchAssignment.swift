import ChorusGraph

/// One branch's work, as the planner's router sends it to a `researcher`
/// task: `{"index", "of", "sub_question", "question"}`.
public struct ResearchAssignment: Sendable, Equatable, Codable, StateValue {
    /// 1-based position of the branch in the plan.
    public var index: Int
    /// How many branches the plan has.
    public var of: Int
    public var subQuestion: String
    /// The whole question the sub-question is part of.
    public var question: String

    enum CodingKeys: String, CodingKey {
        case index, of, subQuestion = "sub_question", question
    }
}
