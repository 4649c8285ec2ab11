import ChorusAgents
import ChorusGraph
import ChorusModels

/// `compaction`: what deciding whether to compact costs per request on a
/// 5,000-message thread (target < 50 µs). `decide`: the request's size
/// estimate (`ContextCompactor.estimatedTokens`, what the decision compares
/// with the window); `prepare`: `ChatModelNode`'s two steps, the estimate and
/// `ContextCompactor.prepare`, which also builds the request to send.
/// `compacted`: the thread was compacted near its end (only the messages
/// since count); `uncompacted`: never compacted, a window that takes all
/// 5,000 (every message is live: the worst case).
enum CompactionDecision {
    static func thread(messages: Int, compactedAt marker: Int?) -> [ChatMessage] {
        var conversation: [ChatMessage] = []
        for i in 0..<messages {
            let role: ChatMessage.Role = i % 2 == 0 ? .user : .assistant
            let text = String(repeating: "word\(i % 97) ", count: 30 + i % 40)
            conversation.append(ChatMessage(role: role, content: text, id: "m\(i)",
                                            usage: role == .assistant ? Usage(inputTokens: 20 * i, outputTokens: 60) : nil))
            if i == marker {
                conversation.append(ChatMessage(role: .system, content: "a summary of the first part", id: "c",
                                                compaction: Compaction(through: "m\(i)", covered: i + 1, strategy: .summarize)))
            }
        }
        return conversation
    }

    static func run() async throws -> Value {
        let compactor = ContextCompactor(model: OfflineChatModel(tokensPerSecond: 0), strategy: .summarize)
        let cases: [(String, [ChatMessage], Int)] = [
            ("compacted", thread(messages: 5_000, compactedAt: 4_960), 128_000),
            ("uncompacted", thread(messages: 5_000, compactedAt: nil), 10_000_000),
        ]
        var result: [String: Value] = ["workload": "compaction", "messages": 5_000, "target_us": 50]
        for (name, conversation, window) in cases {
            let (warmup, reps) = Bench.plan(50, 500)
            let decide = try await Bench.time(warmup: warmup, reps: reps) {
                try Bench.check(compactor.estimatedTokens(conversation, system: "You are terse.") + 1_024 < window, "the request fits")
            }
            let prepare = try await Bench.time(warmup: warmup, reps: reps) {
                _ = compactor.estimatedTokens(conversation, system: "You are terse.")
                let prepared = try await compactor.prepare(conversation, system: "You are terse.", window: window, replyRoom: 1_024)
                try Bench.check(prepared.marker == nil, "no compaction needed")
            }
            result["\(name)_decide_us"] = Bench.round(Bench.median(decide) * 1e6, 2)
            result["\(name)_prepare_us"] = Bench.round(Bench.median(prepare) * 1e6, 2)
        }
        return .object(result)
    }
}
