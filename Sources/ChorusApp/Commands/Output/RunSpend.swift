import ChorusAgents
import ChorusGraph
import ChorusRuns

/// A run's model calls added up: in all, by node, and by research branch
/// (learned from the research graph's progress), for `research`'s last
/// lines. The same on both backends (a server gives no prices: no cost).
struct RunSpend {
    private(set) var total = UsageTally()
    private(set) var byNode: [String: UsageTally] = [:]
    private(set) var byBranch: [Int: UsageTally] = [:]
    private var branchOfTask: [String: Int] = [:]

    mutating func handle(_ update: RunUpdate) {
        switch update {
        case .custom(_, let task?, let data):
            if case .branch(let branch)? = try? ResearchProgress(stateValue: data) { branchOfTask[task] = branch.index }
        case .usage(let call):
            total.add(call)
            if let node = call.node { byNode[node, default: UsageTally()].add(call) }
            if let task = call.task, let branch = branchOfTask[task] { byBranch[branch, default: UsageTally()].add(call) }
        default:
            break
        }
    }

    /// `{"calls", "input_tokens", …, "cost_usd", "nodes": {NODE: {…}}, "branches": {"1": {…}}}`.
    var value: Value {
        guard case .object(var o) = Self.value(total) else { return .null }
        o["nodes"] = .object(byNode.mapValues(Self.value))
        o["branches"] = .object(Dictionary(uniqueKeysWithValues: byBranch.map { ("\($0.key)", Self.value($0.value)) }))
        return .object(o)
    }

    static func value(_ tally: UsageTally) -> Value {
        ["calls": .int(tally.calls), "input_tokens": .int(tally.inputTokens), "output_tokens": .int(tally.outputTokens),
         "cached_input_tokens": .int(tally.cachedInputTokens), "reasoning_tokens": .int(tally.reasoningTokens),
         "cost_usd": tally.costUSD.map(Value.double) ?? .null]
    }
}
