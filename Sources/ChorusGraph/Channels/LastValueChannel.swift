/// Holds the last value written; at most one write per superstep
/// (LangGraph `LastValue`, the `overwrite` reducer).
public struct LastValueChannel: Channel {
    public let key: String
    public private(set) var value: Value?

    public init(key: String) { self.key = key }

    public mutating func update(_ writes: [Value]) throws -> Bool {
        if writes.isEmpty { return false }
        if writes.count != 1 { throw GraphError.concurrentUpdate(key: key) }
        value = writes[0]
        return true
    }

    public mutating func restore(_ saved: Value) throws { value = saved }
}
