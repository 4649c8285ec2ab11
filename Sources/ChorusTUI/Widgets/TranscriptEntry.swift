/// One message as the transcript shows it.
public struct TranscriptEntry: Sendable, Equatable {
    /// `tool`: a tool call; its text is the arguments on the first line, then the result.
    public enum Role: Sendable, Equatable { case user, assistant, notice, tool }

    /// How far the message got.
    public enum Status: Sendable, Equatable {
        case done, streaming, cancelled
        case failed(String)
    }

    public var id: String
    public var role: Role
    /// Shown above the text: `You`, the model's name, …
    public var label: String
    /// Already stripped of control and escape sequences.
    public var text: String
    public var status: Status

    public init(id: String, role: Role, label: String, text: String, status: Status = .done) {
        self.id = id
        self.role = role
        self.label = label
        self.text = text
        self.status = status
    }
}
