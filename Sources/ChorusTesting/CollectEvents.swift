import ChorusGraph

/// Every event of a run, and the error it ended with, if any.
public func collectEvents(_ graph: CompiledGraph, _ input: RunInput, config: RunConfig = RunConfig()) async -> (events: [RunEvent], error: (any Error)?) {
    var events: [RunEvent] = []
    do {
        for try await event in graph.events(input, config: config) { events.append(event) }
        return (events, nil)
    } catch {
        return (events, error)
    }
}
