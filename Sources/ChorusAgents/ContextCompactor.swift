import ChorusGraph
import ChorusModels
import Foundation

/// Fits a conversation into a model's context window, LangGraph's
/// summarization pattern: a running summary of the older part, and the
/// recent messages as they are. Only what is sent shrinks: the thread keeps
/// every message, and a compaction adds a marker message (a `system` one
/// with `compaction` set, its content the summary) that later requests start
/// from, so a summary is never computed twice.
///
/// Tokens are estimated from text length (about four bytes a token), scaled
/// by what the provider reported for the last reply in view; only the
/// messages since the last compaction are counted, so deciding costs the
/// same however long the thread is.
public struct ContextCompactor: Sendable {
    public let model: any ChatModel
    public let strategy: CompactionStrategy

    public init(model: any ChatModel, strategy: CompactionStrategy) {
        self.model = model
        self.strategy = strategy
    }

    /// A request ready to send, and what its compaction (if any) left.
    public struct Prepared: Sendable {
        /// The messages to send.
        public var sent: [ChatMessage]
        /// The compaction marker to keep in the thread, when one was made.
        public var marker: ChatMessage?
        /// The tokens the summary calls took, when the provider said.
        public var summaryUsage: Usage?
    }

    /// What to send: the system prompt (with the summary so far) and the
    /// messages since the last compaction; compacted first when they would
    /// not fit in `window` with `replyRoom` to spare (or when `force`d), and
    /// then with the marker to keep in the thread.
    public func prepare(_ conversation: [ChatMessage], system: String?, window: Int?, replyRoom: Int,
                        force: Bool = false) async throws -> Prepared {
        let view = ConversationView(conversation, system: system)
        guard let window, force || view.estimatedTokens + replyRoom > window else { return Prepared(sent: view.request()) }
        let live = view.live
        guard live.count > 1 else {
            // Nothing older than the newest message to leave out.
            if force { return Prepared(sent: view.request()) }
            throw ContextTooSmall(needed: view.estimatedTokens + replyRoom, window: window)
        }
        let budget = window - replyRoom
        let fixed = Self.estimate(view.system.map { [Self.systemMessage($0)] } ?? [], calibratedBy: view)
        let summaryRoom = strategy == .summarize ? Self.summaryTokens(window: window) : 16
        // Half for the recent messages, the rest for the summary; trimmed, all of it but a line.
        let target = force ? min(budget, view.estimatedTokens) / 2 : budget
        let keep = strategy == .trim ? target - fixed - summaryRoom : (target - fixed) / 2
        guard let start = Self.recentStart(live, keeping: keep, atMost: budget - fixed - summaryRoom, calibratedBy: view) else {
            let last = live.last.map { Self.estimate([$0], calibratedBy: view) } ?? 0
            throw ContextTooSmall(needed: last + fixed + summaryRoom + replyRoom, window: window)
        }
        let covered = Array(live[..<start])
        let (summary, usage): (String, Usage?) = switch strategy {
        case .summarize: try await summarize(covered, after: view.summary, window: window)
        case .trim: ("", nil)
        }
        let through = covered.last!
        let marker = ChatMessage(role: .system, content: summary, id: "compaction-" + UUID().uuidString.lowercased(), usage: usage,
                                 compaction: Compaction(through: through.id, covered: view.position(of: through.id) + 1, strategy: strategy),
                                 costUSD: model.settings.cost(of: usage))
        return Prepared(sent: ConversationView(conversation + [marker], system: system).request(), marker: marker, summaryUsage: usage)
    }

    /// Tokens a request (with its reply's room) may take without asking the model's
    /// window: a fifth of the smallest windows models run with (512).
    public static let fitsAnyWindow = 100

    /// The room a reply keeps: its `max_tokens`, else a quarter of the window (at most 1,024), else 1,024.
    public static func replyRoom(maxTokens: Int?, window: Int?) -> Int {
        maxTokens ?? window.map { min(1024, $0 / 4) } ?? 1024
    }

    /// A compaction made now, whatever the fill (`/compact`, or after a provider
    /// said "too long"); with no window known, the request as it stands is taken
    /// for it, and the reply's room is reckoned from that.
    public func compactNow(_ conversation: [ChatMessage], system: String?, window: Int?, maxTokens: Int?) async throws -> Prepared {
        let window = window ?? estimatedTokens(conversation, system: system)
        return try await prepare(conversation, system: system, window: window, replyRoom: Self.replyRoom(maxTokens: maxTokens, window: window),
                                 force: true)
    }

    /// About how many tokens the next request for `conversation` takes.
    public func estimatedTokens(_ conversation: [ChatMessage], system: String?) -> Int {
        ConversationView(conversation, system: system).estimatedTokens
    }

    /// Where the kept, recent part starts: as many of the last messages as fit
    /// in `keeping` (the newest always, if within `atMost`), not starting on a
    /// tool's result (its call goes with it), and leaving at least one message
    /// to compact; nil when the newest alone is over `atMost`.
    static func recentStart(_ live: [ChatMessage], keeping budget: Int, atMost limit: Int, calibratedBy view: ConversationView) -> Int? {
        var start = live.count
        var used = 0
        while start > 1 {
            let size = estimate([live[start - 1]], calibratedBy: view)
            if used + size > budget, start < live.count { break }
            used += size
            start -= 1
        }
        while start > 1, live[start].role == .tool { start -= 1 }
        return used <= limit ? start : nil
    }

    /// Tokens a summary may take: a quarter of the window, from 64 to 512.
    static func summaryTokens(window: Int) -> Int { min(512, max(64, window / 4)) }

    /// The running summary with `messages` added, written by the model a part at a
    /// time so each request fits, and the tokens its calls took.
    func summarize(_ messages: [ChatMessage], after previous: String, window: Int) async throws -> (String, Usage?) {
        let replyTokens = Self.summaryTokens(window: window)
        let partBudget = max(128, (window - replyTokens) / 2 - 64)
        var summary = previous
        var usage: Usage?
        var part: [String] = []
        var partTokens = 0
        func add(_ part: [String]) async throws {
            let reply = try await summarizeOnce(part, after: summary, replyTokens: replyTokens)
            summary = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let counted = reply.usage {
                usage = Usage(inputTokens: (usage?.inputTokens ?? 0) + counted.inputTokens, outputTokens: (usage?.outputTokens ?? 0) + counted.outputTokens)
            }
        }
        for message in messages where message.compaction == nil {
            var line = Self.transcriptLine(message)
            if line.utf8.count / 4 > partBudget { line = String(line.prefix(partBudget * 4)) + "…" }
            let tokens = line.utf8.count / 4 + 1
            if partTokens + tokens > partBudget, !part.isEmpty {
                try await add(part)
                (part, partTokens) = ([], 0)
            }
            part.append(line)
            partTokens += tokens
        }
        if !part.isEmpty { try await add(part) }
        return (summary, usage)
    }

    private func summarizeOnce(_ lines: [String], after previous: String, replyTokens: Int) async throws -> ChatReply {
        let earlier = previous.isEmpty ? "" : "The summary so far:\n\(previous)\n\n"
        let request = ChatRequest(messages: [
            ChatMessage(role: .system, content: Self.summaryInstruction, id: "compaction-instruction"),
            ChatMessage(role: .user, content: earlier + "The conversation to add:\n" + lines.joined(separator: "\n") + "\n\nWrite the updated summary.",
                        id: "compaction-request"),
        ], maxTokens: replyTokens)
        return try await model.invoke(request)
    }

    static let summaryInstruction = """
        You keep a running summary of a conversation so it can go on past the model's context window. \
        Write a concise summary that keeps every fact, name, number, decision and open question, \
        in the conversation's language. Write only the summary.
        """

    static func transcriptLine(_ message: ChatMessage) -> String {
        let who = switch message.role {
        case .user: "User"
        case .assistant: "Assistant"
        case .system: "System"
        case .tool: "Tool result"
        }
        let calls = message.toolCalls.map { " [calls \($0.name) \(JSON.serialize($0.arguments))]" }.joined()
        return "\(who): \(message.content)\(calls)"
    }

    static func systemMessage(_ text: String) -> ChatMessage {
        ChatMessage(role: .system, content: text, id: "system")
    }

    /// Estimated tokens of `messages`, scaled by the provider's own count of the last reply in view.
    static func estimate(_ messages: [ChatMessage], calibratedBy view: ConversationView) -> Int {
        Int((Double(TokenEstimate.of(messages)) * view.scale).rounded(.up))
    }

}

/// A request that cannot fit however much is compacted: the newest message
/// alone (with the system prompt and room for the reply) is over the window.
public struct ContextTooSmall: Error, CustomStringConvertible, Sendable {
    public let needed: Int
    public let window: Int

    public var description: String {
        "the newest message needs about \(needed) tokens with the system prompt and room for the reply, "
            + "over the model's context window of \(window): shorten it, or use a model with a larger window"
    }
}
