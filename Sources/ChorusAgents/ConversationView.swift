import ChorusModels

/// A conversation as its next request sees it: the messages since the last
/// compaction (markers left out), that compaction's summary, and how far
/// the provider's token counts are from the estimate. Built in one pass over
/// the live messages without copying them: deciding whether a request fits
/// copies nothing; `live` and `request()` build arrays when they are needed.
struct ConversationView {
    let conversation: [ChatMessage]
    let system: String?
    /// The last compaction's summary ("" without one, or when it trimmed).
    let summary: String
    /// Tokens the provider counted over tokens estimated, for the last reply in view with usage; 1 without one.
    private(set) var scale = 1.0
    /// Where the live messages start in `conversation`.
    private let start: Int
    /// The request's estimated tokens before scaling: the system message and the live messages.
    private let rawRequestTokens: Int

    /// `system`: the prompt, unless the conversation starts with a system message of its own (which then is the prompt).
    init(_ conversation: [ChatMessage], system: String?) {
        self.conversation = conversation
        let ownPrompt = conversation.first.flatMap { $0.role == .system && $0.compaction == nil ? $0.content : nil }
        self.system = ownPrompt ?? system
        var marker: Int?
        for i in conversation.indices.reversed() where conversation[i].compaction != nil {
            marker = i
            break
        }
        var start = ownPrompt == nil ? 0 : 1
        if let marker, let through = conversation[marker].compaction?.through {
            start = max(start, (conversation[..<marker].lastIndex { $0.id == through } ?? marker) + 1)
        }
        self.start = start
        summary = marker.map { conversation[$0].content } ?? ""
        let prompt = TokenEstimate.of(Self.prompt(system: ownPrompt ?? system, summary: summary))
        // One pass: the live messages' estimate, and the estimate before the last reply the provider counted.
        var live = 0
        var counted: (tokens: Int, before: Int)?
        // By index, reading fields in place: a copied message would retain each of its strings and arrays.
        for i in start..<conversation.count where conversation[i].compaction == nil {
            if conversation[i].role == .assistant, let input = conversation[i].usage?.inputTokens, input > 0 { counted = (input, live) }
            live += TokenEstimate.of(conversation[i])
        }
        rawRequestTokens = prompt + live
        if let counted, prompt + counted.before > 0 {
            scale = min(8, max(0.25, Double(counted.tokens) / Double(prompt + counted.before)))
        }
    }

    /// The messages after the last compaction's `through`, in order, without markers.
    var live: [ChatMessage] { conversation[start...].filter { $0.compaction == nil } }

    /// The system message: the prompt, then the summary so far.
    var prompt: [ChatMessage] { Self.prompt(system: system, summary: summary) }

    private static func prompt(system: String?, summary: String) -> [ChatMessage] {
        let parts = [system, summary.isEmpty ? nil : "Summary of the conversation so far:\n" + summary].compactMap { $0 }
        return parts.isEmpty ? [] : [ContextCompactor.systemMessage(parts.joined(separator: "\n\n"))]
    }

    /// What is sent: the system message, then the live messages.
    func request() -> [ChatMessage] { prompt + live }

    /// About how many tokens `request()` takes, scaled by what the provider counted.
    var estimatedTokens: Int { Int((Double(rawRequestTokens) * scale).rounded(.up)) }

    /// The index in the conversation of the message with this id (the last one so named).
    func position(of id: String) -> Int {
        conversation.lastIndex { $0.id == id } ?? conversation.count - 1
    }
}
