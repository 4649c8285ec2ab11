import ChorusGraph
import ChorusRuns
import ChorusTUI

/// What `--print` makes of a run's updates, on either backend: the reply
/// streamed to `write`, a line to `notice` for each retry, tool call, branch
/// and re-join, and the totals `--json` reports. All text is sanitized.
struct ReplyPrinter {
    let write: (@Sendable (String) -> Void)?
    let notice: (@Sendable (String) -> Void)?
    private(set) var reply = ""
    /// The reply's model calls (a compaction's summary included), added up.
    private(set) var usage = UsageTally()
    /// The last model call's prompt (the size of the last request sent) and the window it had to fit.
    private(set) var context: (used: Int?, window: Int?) = (nil, nil)
    private(set) var tools: [ToolCallRecord] = []
    /// The reply tokens of the current step: if the step turns out to fan out, they were a branch's, not the reply.
    private var stepReply = "", step: Int?
    private var toolInputs: [String: Value] = [:]

    init(write: (@Sendable (String) -> Void)?, notice: (@Sendable (String) -> Void)?) {
        self.write = write
        self.notice = notice
    }

    mutating func handle(_ update: RunUpdate) {
        switch update {
        case .token(let token):
            if case .branch = token.part { return }
            let safe = SafeText.sanitize(token.text)
            reply += safe
            if token.part == .reply {
                if token.step != step { (step, stepReply) = (token.step, "") }
                stepReply += safe
            }
            write?(safe)
        case .branchOpened(let branch, _, _):
            if !stepReply.isEmpty, reply.hasSuffix(stepReply) {
                reply.removeLast(stepReply.count)
                write?("\n")
            }
            stepReply = ""
            tell("branch \(branch) started")
        case .branchesDone:
            tell("branches done")
        case .retrying(let retry):
            notice?(RetryLine.text(who: "chorus", reason: retry.reason, delay: retry.delay, attempt: retry.attempt, maxAttempts: retry.maxAttempts))
        case .usage(let counts):
            usage.add(counts)
            context = (counts.inputTokens ?? context.used, counts.contextWindow ?? context.window)
        case .toolStarted(let call):
            toolInputs[call.id] = call.input
            tell("tool " + call.name + " " + JSON.serialize(call.input))
        case .toolEnded(let result):
            let output = SafeText.sanitize(result.output)
            let record = ToolCallRecord(name: result.name, input: toolInputs.removeValue(forKey: result.id) ?? .null, output: output,
                                        durationMs: (result.seconds ?? 0) * 1000)
            tools.append(record)
            notice?("chorus: tool \(SafeText.sanitize(result.name, keepNewlines: false)) → \(ToolCallRecord.preview(output)) (\(Int(record.durationMs.rounded())) ms)")
        case .warning(let line):
            tell(line)
        case .rejoined(let attempt, let attempts, let reason):
            tell(RetryLine.rejoin(attempt: attempt, of: attempts, reason: reason))
        case .started, .nodeStarted, .nodeEnded, .interrupted, .custom, .finished, .failed:
            break
        }
    }

    private func tell(_ line: String) { notice?("chorus: " + SafeText.sanitize(line, keepNewlines: false)) }
}
