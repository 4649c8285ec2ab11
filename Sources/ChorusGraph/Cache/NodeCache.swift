/// Where cached node results live; given to `StateGraph.compile(cache:)`.
/// Implementations: `InMemoryNodeCache`, and `SQLiteNodeCache` in ChorusStore.
///
/// A cache holds entries for one graph: node names are its namespace, so two
/// different graphs share a cache only if their cached nodes have different names.
public protocol NodeCache: Sendable {
    /// The entries present and not expired among `keys`.
    func get(_ keys: [NodeCacheKey]) async throws -> [NodeCacheKey: [CachedWrite]]
    /// Stores a node's writes under `key`, valid for `ttl` seconds (nil: no expiry).
    func set(_ key: NodeCacheKey, writes: [CachedWrite], ttl: Double?) async throws
    /// Drops the entries of `nodes`, or every entry when nil.
    func clear(nodes: [String]?) async throws
}

/// One entry's address: the node and the key its `CachePolicy` made from the input.
public struct NodeCacheKey: Hashable, Sendable {
    public let node: String
    public let key: String

    public init(node: String, key: String) {
        self.node = node
        self.key = key
    }
}

/// One channel write of a cached task (state keys and routing channels alike).
public struct CachedWrite: Sendable, Equatable {
    public let channel: String
    public let value: Value

    public init(channel: String, value: Value) {
        self.channel = channel
        self.value = value
    }
}
