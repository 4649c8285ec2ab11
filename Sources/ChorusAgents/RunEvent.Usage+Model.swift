import ChorusGraph
import ChorusModels

extension RunEvent.Usage {
    /// A model call's counts as a run reports them: with the model's window
    /// and, when its prices are configured, what the call cost.
    init(_ usage: Usage, window: Int?, settings: ModelSettings) {
        self.init(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens,
                  reasoningTokens: usage.reasoningTokens, contextWindow: window, costUSD: settings.cost(of: usage))
    }
}
