/// One message as the transcript shows it.
public struct TranscriptEntry: Sendable, Equatable {
    /// `tool`: a tool call; its text is the arguments on the first line, then the result.
    /// `compaction`: where the conversation was compacted to fit the model's window (see `compacted`).
    public enum Role: Sendable, Equatable { case user, assistant, notice, tool, compaction }

    /// What a compaction covered: the thread's first `count` messages, through the one with id `through`.
    public struct CompactedRange: Sendable, Equatable {
        public var through: String
        public var count: Int
        /// Summarized (the entry's text ends with the summary), or trimmed.
        public var summarized: Bool

        public init(through: String, count: Int, summarized: Bool) {
            self.through = through
            self.count = count
            self.summarized = summarized
        }
    }

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
    /// For a compaction: what it covered.
    public var compacted: CompactedRange?
    /// For a reply: the tokens its model call took, prompt and reply (what the conversation then filled);
    /// for a compaction: its summary calls'.
    public var tokens: Int?
    /// What that model call cost in US dollars, when the model's prices are configured.
    public var costUSD: Double?

    public init(id: String, role: Role, label: String, text: String, status: Status = .done, compacted: CompactedRange? = nil) {
        self.id = id
        self.role = role
        self.label = label
        self.text = text
        self.status = status
        self.compacted = compacted
    }
}
