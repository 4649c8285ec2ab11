import ChorusRuns

/// Tokens and cost as the status bar and the research panes show them:
/// `1.2k tok $0.0031`; no cost where no price is configured.
enum UsageLabel {
    static func text(_ usage: UsageTally) -> String {
        let tokens = ContextFill.short(usage.totalTokens) + " tok"
        return usage.costUSD.map { tokens + " " + dollars($0) } ?? tokens
    }

    /// `$0.0031`, `$0.4200`, `$12.30`: four places under a dollar (where chat costs mostly are), cents above.
    static func dollars(_ usd: Double) -> String {
        usd < 1 ? String(format: "$%.4f", usd) : String(format: "$%.2f", usd)
    }
}
