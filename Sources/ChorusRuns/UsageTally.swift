/// Model calls' usage added up: a reply's, a research branch's, a run's, a
/// thread's. The cost is known only while every call added had a price:
/// nothing is invented for a call without one.
public struct UsageTally: Sendable, Equatable {
    /// Model calls added.
    public private(set) var calls = 0
    /// Every prompt token, cached ones included.
    public private(set) var inputTokens = 0
    public private(set) var outputTokens = 0
    /// Prompt tokens read from a prompt cache (part of `inputTokens`).
    public private(set) var cachedInputTokens = 0
    /// Output tokens spent reasoning (part of `outputTokens`), where reported.
    public private(set) var reasoningTokens = 0
    private var pricedUSD = 0.0
    private var unpriced = false

    public init() {}

    /// One model call's counts and cost.
    public init(_ usage: RunUsage) {
        add(usage)
    }

    /// In US dollars; nil with no calls or when a call had no price.
    public var costUSD: Double? { calls == 0 || unpriced ? nil : pricedUSD }

    public var totalTokens: Int { inputTokens + outputTokens }

    public mutating func add(_ usage: RunUsage) {
        calls += 1
        inputTokens += usage.inputTokens ?? 0
        outputTokens += usage.outputTokens ?? 0
        cachedInputTokens += usage.cachedInputTokens ?? 0
        reasoningTokens += usage.reasoningTokens ?? 0
        if let cost = usage.costUSD { pricedUSD += cost } else { unpriced = true }
    }

    public mutating func add(_ other: UsageTally) {
        calls += other.calls
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cachedInputTokens += other.cachedInputTokens
        reasoningTokens += other.reasoningTokens
        pricedUSD += other.pricedUSD
        unpriced = unpriced || other.unpriced
    }
}
