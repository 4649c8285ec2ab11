/// Holds a value for exactly one step after it was written, then clears
/// itself (LangGraph `EphemeralValue`). Edges trigger nodes through these.
public struct EphemeralChannel: Channel {
    public private(set) var value: Value?

    public init() {}

    public mutating func update(_ writes: [Value]) throws -> Bool {
        guard let last = writes.last else {
            if value == nil { return false }
            value = nil
            return true
        }
        value = last
        return true
    }

    public mutating func restore(_ saved: Value) throws { value = saved }
}
