import ChorusModels
import ChorusSupport

/// A model whose calls spend from a research run's `BudgetMeter`: a call
/// starts only while the budget is not reached, and one in flight when it is
/// reached ends at once with `BudgetReached` (carrying its text so far); its
/// HTTP stream is closed.
struct BudgetedChatModel: ChatModel {
    let base: any ChatModel
    let meter: BudgetMeter

    var displayName: String { base.displayName }
    var settings: ModelSettings { base.settings }
    func contextWindow(probing: Bool) async -> Int? { await base.contextWindow(probing: probing) }

    private struct Call {
        var text = ""
        var task: Task<Void, Never>?
        var stopped = false
    }

    func stream(_ request: ChatRequest) -> ChatStream {
        let (stream, continuation) = ChatStream.makeStream()
        let call = Locked(Call())
        let stop: @Sendable () -> Void = {
            let (text, task) = call.withLock { c in
                c.stopped = true
                return (c.text, c.task)
            }
            continuation.finish(throwing: BudgetReached(partial: text))
            task?.cancel()
        }
        guard let ticket = meter.admit(stop: stop) else {
            continuation.finish(throwing: BudgetReached(partial: ""))
            return stream
        }
        let (base, meter) = (base, meter)
        let task = Task {
            defer { meter.release(ticket) }
            let prices = base.settings.prices
            var charged = (tokens: 0, usd: 0.0)
            func charge(tokens: Int, usd: Double) {
                charged = (charged.tokens + tokens, charged.usd + usd)
                meter.charge(tokens: tokens, usd: usd)
            }
            do {
                for try await chunk in base.stream(request) {
                    switch chunk {
                    case .text(let text):
                        // The prompt counts once the provider has read it; then about a token a chunk.
                        if charged.tokens == 0 {
                            let prompt = TokenEstimate.of(request.messages)
                            charge(tokens: prompt, usd: Double(prompt) * (prices?.input ?? 0) / 1_000_000)
                        }
                        call.withLock { $0.text += text }
                        continuation.yield(chunk)
                        charge(tokens: 1, usd: (prices?.output ?? 0) / 1_000_000)
                    case .usage(let usage):
                        continuation.yield(chunk)
                        // What the provider counted replaces the estimate.
                        charge(tokens: usage.inputTokens + usage.outputTokens - charged.tokens, usd: (prices?.cost(of: usage) ?? 0) - charged.usd)
                    default:
                        continuation.yield(chunk)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        let stoppedAlready = call.withLock { c in
            c.task = task
            return c.stopped
        }
        if stoppedAlready { task.cancel() }
        continuation.onTermination { task.cancel() }
        return stream
    }
}
