import ChorusGraph

/// What one research branch found, or that it failed: an item of
/// `ResearchGraph.State.findings`, kept as
/// `{"index", "sub_question", "status", "text", "error"}`.
public struct ResearchFinding: Sendable, Equatable, Codable, StateValue {
    /// `stopped`: cut short by the run's budget, `text` being what it had found.
    public enum Status: String, Sendable, Codable { case done, failed, stopped }

    /// 1-based position of the branch in the plan.
    public var index: Int
    public var subQuestion: String
    public var status: Status
    public var text: String
    /// Why the branch failed.
    public var error: String?

    public init(index: Int, subQuestion: String, status: Status, text: String, error: String? = nil) {
        self.index = index
        self.subQuestion = subQuestion
        self.status = status
        self.text = text
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case index, subQuestion = "sub_question", status, text, error
    }
}
