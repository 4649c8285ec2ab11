/// Caching of one node's result (LangGraph's `CachePolicy`): when the graph
/// is compiled with a `NodeCache`, a task of this node whose input has the
/// same key as an earlier finished run of it takes that run's writes instead
/// of running. Tasks that failed or were interrupted are never cached.
///
/// ```swift
/// let cache = InMemoryNodeCache()
/// graph.addNode("summarize", policy: NodePolicy(cache: CachePolicy(ttl: 600))) { input, _ in … }
/// let compiled = try graph.compile(cache: cache)
/// ```
public struct CachePolicy: Sendable {
    /// Seconds an entry stays valid; nil: until the cache is cleared.
    public var ttl: Double?
    /// The key of a task's input; tasks whose keys are equal share an entry.
    public var key: @Sendable (Value) -> String

    public init(ttl: Double? = nil, key: @escaping @Sendable (Value) -> String = CachePolicy.inputKey) {
        self.ttl = ttl
        self.key = key
    }

    /// The default key: a 128-bit digest of the whole input, independent of object key order.
    public static let inputKey: @Sendable (Value) -> String = { ValueDigest.hex($0) }
}
