import ChorusGraph
import ChorusSupport

/// Asks a provider once for a model's context window and remembers the
/// answer (or that it had none): one request per model, however many calls.
final class ContextWindowProbe: Sendable {
    private let answer = Locked<Task<Int?, Never>?>(nil)

    /// What the provider said, if it was asked already; nil otherwise.
    var answered: Int? {
        get async { await answer.withLock { $0 }?.value }
    }

    func window(format: any ChatWireFormat, client: ProviderHTTPClient) async -> Int? {
        let task = answer.withLock { answer in
            if let answer { return answer }
            let task = Task { await Self.ask(format: format, client: client) }
            answer = task
            return task
        }
        return await task.value
    }

    private static func ask(format: any ChatWireFormat, client: ProviderHTTPClient) async -> Int? {
        guard let request = format.contextWindowRequest() else { return nil }
        do {
            var response = try await client.execute(request)
            let body = try await response.text(upTo: 1 << 20)
            guard response.status < 300, let window = format.contextWindow(in: try JSON.parse(body)), window > 0 else { return nil }
            return window
        } catch {
            return nil
        }
    }
}
