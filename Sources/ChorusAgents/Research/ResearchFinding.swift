import ChorusGraph

/// What one research branch found, or that it failed. Kept in the
/// `findings` state key: `{"index", "sub_question", "status", "text", "error"}`.
public struct ResearchFinding: Sendable, Equatable {
    public enum Status: String, Sendable { case done, failed }

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

    public var value: Value {
        var o: [String: Value] = ["index": .int(index), "sub_question": .string(subQuestion), "status": .string(status.rawValue), "text": .string(text)]
        if let error { o["error"] = .string(error) }
        return .object(o)
    }

    public init?(value: Value) {
        guard let index = value["index"]?.intValue, let q = value["sub_question"]?.stringValue,
              let status = value["status"]?.stringValue.flatMap(Status.init(rawValue:)) else { return nil }
        self.init(index: index, subQuestion: q, status: status, text: value["text"]?.stringValue ?? "", error: value["error"]?.stringValue)
    }
}
