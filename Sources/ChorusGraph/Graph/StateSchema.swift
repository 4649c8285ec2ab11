/// The keys of a graph's state and how each combines writes.
public struct StateSchema: Sendable {
    /// How one key combines the writes of a superstep.
    public enum KeyKind: Sendable {
        /// Last value wins; two writes in one superstep are an `InvalidUpdateError`.
        case lastValue
        /// Folded with a reducer from its initial value.
        case reducer(Reducer)
    }

    public private(set) var keys: [String] = []
    public private(set) var kinds: [String: KeyKind] = [:]

    public init() {}

    /// Builds a schema from `(key, kind)` pairs, in order.
    public init(_ pairs: [(String, KeyKind)]) {
        for (k, kind) in pairs { add(k, kind) }
    }

    /// Declares a key.
    public mutating func add(_ key: String, _ kind: KeyKind) {
        if kinds[key] == nil { keys.append(key) }
        kinds[key] = kind
    }

    func makeChannel(_ key: String) -> any Channel {
        switch kinds[key] ?? .lastValue {
        case .lastValue: return LastValueChannel(key: key)
        case .reducer(let r): return r.makeChannel()
        }
    }
}
