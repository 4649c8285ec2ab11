/// Keeps the last value written but shows it only once the run is about to
/// end, then clears when consumed (LangGraph `LastValueAfterFinish`): the
/// channel that routes to a deferred node.
public struct AfterFinishChannel: Channel {
    private var held: Value?
    private var finished = false

    public init() {}

    public var value: Value? { finished ? held : nil }

    public mutating func update(_ writes: [Value]) throws -> Bool {
        guard let last = writes.last else { return false }
        held = last
        finished = false
        return true
    }

    public mutating func consume() -> Bool {
        guard finished else { return false }
        finished = false
        held = nil
        return true
    }

    public mutating func finish() -> Bool {
        guard !finished, held != nil else { return false }
        finished = true
        return true
    }

    public func checkpoint() -> Value? {
        held.map { .object(["value": $0, "finished": .bool(finished)]) }
    }

    public mutating func restore(_ saved: Value) throws {
        held = saved["value"]
        finished = saved["finished"] == .bool(true)
    }
}
