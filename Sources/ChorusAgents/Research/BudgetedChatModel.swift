import ChorusModels
import ChorusSupport

/// A model whose calls spend from a research run's `BudgetMeter`: a call
/// starts only while the budget is not reached, and one in flight when it is
/// reached ends at once with `BudgetReached` (carrying its text so far),
/// after a `.usage` chunk with its estimated tokens (the provider says none
/// for a call cut short); its HTTP stream is closed. A call whose provider
/// has already counted it is done and is not stopped by its own last count.
struct BudgetedChatModel: ChatModel {
    let base: any ChatModel
    let meter: BudgetMeter

    var displayName: String { base.displayName }
    var settings: ModelSettings { base.settings }
    func contextWindow(probing: Bool) async -> Int? { await base.contextWindow(probing: probing) }

    private struct Call {
        var text = ""
        /// The prompt's estimated tokens once the provider started answering, and the chunks since.
        var prompt = 0
        var chunks = 0
        var task: Task<Void, Never>?
        var stopped = false
        var done = false
    }

    func stream(_ request: ChatRequest) -> ChatStream {
        let (stream, continuation) = ChatStream.makeStream()
        let call = Locked(Call())
        let stop: @Sendable () -> Void = {
            let stopped = call.withLock { c -> Call? in
                guard !c.done, !c.stopped else { return nil }
                c.stopped = true
                return c
            }
            guard let stopped else { return }
            if stopped.prompt + stopped.chunks > 0 {
                continuation.yield(.usage(Usage(inputTokens: stopped.prompt, outputTokens: stopped.chunks)))
            }
            continuation.finish(throwing: BudgetReached(partial: stopped.text))
            stopped.task?.cancel()
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
                            call.withLock { $0.prompt = prompt }
                            charge(tokens: prompt, usd: Double(prompt) * (prices?.input ?? 0) / 1_000_000)
                        }
                        call.withLock { c in
                            c.text += text
                            c.chunks += 1
                        }
                        continuation.yield(chunk)
                        charge(tokens: 1, usd: (prices?.output ?? 0) / 1_000_000)
                    case .usage(let usage):
                        // The provider has counted the call: it is done, and what it counted replaces the estimate.
                        guard call.withLock({ c in
                            c.done = !c.stopped
                            return c.done
                        }) else { return }
                        continuation.yield(chunk)
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
