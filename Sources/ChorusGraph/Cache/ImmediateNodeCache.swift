/// A `NodeCache` that answers without suspending (one in memory): a run
/// looks its entries up inline, one task at a time, without the batches and
/// async calls of `NodeCache`, so a miss costs little more than the key.
public protocol ImmediateNodeCache: NodeCache {
    /// The entry at `key`, if present and not expired.
    func entry(_ key: NodeCacheKey) -> [CachedWrite]?
    /// Stores writes under `key`, valid for `ttl` seconds (nil: no expiry).
    func store(_ key: NodeCacheKey, writes: [CachedWrite], ttl: Double?)
}
