import ChorusModels

/// A conversation as its next request sees it: the messages since the last
/// compaction (markers left out), that compaction's summary, and how far
/// the provider's token counts are from the estimate.
struct ConversationView {
    let conversation: [ChatMessage]
    let system: String?
    /// The messages after the last compaction's `through`, in order, without markers.
    let live: [ChatMessage]
    /// The last compaction's summary ("" without one, or when it trimmed).
    let summary: String
    /// Tokens the provider counted over tokens estimated, for the last reply in view with usage; 1 without one.
    private(set) var scale = 1.0

    /// `system`: the prompt, unless the conversation starts with a system message of its own (which then is the prompt).
    init(_ conversation: [ChatMessage], system: String?) {
        self.conversation = conversation
        let ownPrompt = conversation.first.flatMap { $0.role == .system && $0.compaction == nil ? $0.content : nil }
        self.system = ownPrompt ?? system
        let marker = conversation.lastIndex { $0.compaction != nil }
        var start = ownPrompt == nil ? 0 : 1
        if let marker, let through = conversation[marker].compaction?.through {
            start = max(start, (conversation[..<marker].lastIndex { $0.id == through } ?? marker) + 1)
        }
        summary = marker.map { conversation[$0].content } ?? ""
        live = conversation[start...].filter { $0.compaction == nil }
        if let reply = live.lastIndex(where: { $0.role == .assistant && ($0.usage?.inputTokens ?? 0) > 0 }),
           let counted = live[reply].usage?.inputTokens {
            let estimated = TokenEstimate.of(prompt + Array(live[..<reply]))
            if estimated > 0 { scale = min(8, max(0.25, Double(counted) / Double(estimated))) }
        }
    }

    /// The system message: the prompt, then the summary so far.
    var prompt: [ChatMessage] {
        let parts = [system, summary.isEmpty ? nil : "Summary of the conversation so far:\n" + summary].compactMap { $0 }
        return parts.isEmpty ? [] : [ContextCompactor.systemMessage(parts.joined(separator: "\n\n"))]
    }

    /// What is sent: the system message, then the live messages.
    func request() -> [ChatMessage] { prompt + live }

    /// The index in the conversation of the message with this id (the last one so named).
    func position(of id: String) -> Int {
        conversation.lastIndex { $0.id == id } ?? conversation.count - 1
    }
}
