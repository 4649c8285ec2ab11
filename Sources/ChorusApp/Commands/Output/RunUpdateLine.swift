import ChorusGraph
import ChorusRuns

/// A run update as one JSON line (`research --jsonl`; docs/run-updates.md):
/// the same event names and, for each, the same keys whichever backend ran it;
/// a key whose value the backend does not know is null. Every line has
/// `event`, `run_id` (null before the run said it) and `ts` (seconds since 1970).
enum RunUpdateLine {
    /// The line's JSON object (without newline).
    static func json(_ update: RunUpdate, runId: String?, ts: Double) -> String {
        var o: [String: Value] = ["run_id": runId.map(Value.string) ?? .null, "ts": .double(ts)]
        func set(_ event: String, _ fields: [String: Value]) {
            o["event"] = .string(event)
            o.merge(fields) { _, new in new }
        }
        switch update {
        case .started: set("run_start", [:])
        case .nodeStarted(let task): set("node_start", ["node": .string(task.node), "task": .string(task.id), "step": .int(task.step)])
        case .nodeEnded(let task, let error):
            set("node_end", ["node": .string(task.node), "task": .string(task.id), "step": .int(task.step), "error": optional(error)])
        case .token(let token):
            let (part, branch): (String, Value) = switch token.part {
            case .reply: ("reply", .null)
            case .branch(let name): ("branch", .string(name))
            case .answer: ("answer", .null)
            }
            set("token", ["text": .string(token.text), "message_id": .string(token.messageId), "node": .string(token.node), "step": .int(token.step),
                          "task": .string(token.task), "part": .string(part), "branch": branch])
        case .branchOpened(let branch, let node, let task): set("branch_start", ["branch": .string(branch), "node": .string(node), "task": .string(task)])
        case .branchesDone: set("branches_done", [:])
        case .toolStarted(let call): set("tool_start", ["id": .string(call.id), "name": .string(call.name), "input": call.input, "task": optional(call.task)])
        case .toolEnded(let result):
            set("tool_end", ["id": .string(result.id), "name": .string(result.name), "output": .string(result.output),
                             "duration_ms": result.seconds.map { .double(($0 * 10_000).rounded() / 10) } ?? .null, "task": optional(result.task)])
        case .retrying(let retry):
            set("retry", ["node": optional(retry.node), "task": optional(retry.task), "attempt": .int(retry.attempt), "max_attempts": .int(retry.maxAttempts),
                          "delay": .double(retry.delay), "message": .string(retry.reason), "whole_node": .bool(retry.wholeNode)])
        case .usage(let usage):
            set("usage", ["node": optional(usage.node), "input_tokens": usage.inputTokens.map(Value.int) ?? .null,
                          "output_tokens": usage.outputTokens.map(Value.int) ?? .null,
                          "cached_input_tokens": usage.cachedInputTokens.map(Value.int) ?? .null,
                          "reasoning_tokens": usage.reasoningTokens.map(Value.int) ?? .null, "context_window": usage.contextWindow.map(Value.int) ?? .null,
                          "cost_usd": usage.costUSD.map(Value.double) ?? .null])
        case .interrupted(let interrupts):
            set("interrupt", ["values": .array(interrupts.map { ["value": $0.value, "id": optional($0.id)] })])
        case .custom(let node, let task, let data): set("custom", ["node": optional(node), "task": optional(task), "data": data])
        case .warning(let message): set("warning", ["message": .string(message)])
        case .rejoined(let attempt, let attempts, let reason): set("rejoin", ["attempt": .int(attempt), "max_attempts": .int(attempts), "message": .string(reason)])
        case .finished: set("run_end", [:])
        case .failed(let message): set("run_error", ["message": .string(message)])
        }
        return terminalSafe(.object(o))
    }

    /// The last line of `research --jsonl`: the thread, the answer, the research graph's findings (empty for
    /// another graph) and what the run's model calls spent (`RunSpend`: in all, by node, by branch).
    static func final(threadId: String, answer: String, findings: Value, usage: Value, runId: String?, ts: Double) -> String {
        terminalSafe(["event": "final", "run_id": runId.map(Value.string) ?? .null, "ts": .double(ts), "thread_id": .string(threadId),
                      "answer": .string(answer), "findings": findings, "usage": usage])
    }

    private static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }

    /// JSON whose strings keep every character, with DEL and the C1 controls escaped
    /// too (`\u009b`): a terminal that shows the line reads no control sequence in it.
    static func terminalSafe(_ value: Value) -> String {
        let json = JSON.serialize(value)
        guard json.unicodeScalars.contains(where: isControl) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) }
}
