/// Folds every write into the current value with a reducer, starting from an
/// initial value (LangGraph `BinaryOperatorAggregate`): `append`, `add`,
/// `merge`, `messages` and custom reducers.
public struct BinaryOperatorChannel: Channel {
    public let reducer: Reducer
    private var current: Value

    public init(reducer: Reducer) {
        self.reducer = reducer
        self.current = reducer.initial
    }

    public var value: Value? { current }

    public mutating func update(_ writes: [Value]) throws -> Bool {
        if writes.isEmpty { return false }
        for write in writes {
            try reducer.fold(&current, write)
        }
        return true
    }

    public mutating func restore(_ saved: Value) throws { current = saved }
}
