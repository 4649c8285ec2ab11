/// Node caching (`CachePolicy`): before a step runs, tasks of cached nodes
/// whose input key has an entry take its writes instead of running; after a
/// task of a cached node finishes, its writes become an entry.
extension PregelLoop {
    /// As LangGraph's `match_cached_writes`: a cache hit is streamed as an
    /// update marked `cached`, and reports no task result.
    func takeCachedWrites(from cache: any NodeCache) async throws {
        if let immediate = graph.immediateCache { return try await takeCachedWrites(inline: immediate) }
        var wanted: [(index: Int, key: NodeCacheKey)] = []
        for i in tasks.indices where !tasks[i].restored && tasks[i].node >= 0 {
            guard let policy = graph.topology.nodes[tasks[i].node].policy.cache else { continue }
            let key = NodeCacheKey(node: tasks[i].name, key: policy.key(tasks[i].input))
            tasks[i].cacheKey = key
            wanted.append((i, key))
        }
        if wanted.isEmpty { return }
        let found = try await cache.get(wanted.map(\.key))
        for (i, key) in wanted {
            if let writes = found[key] { try await take(writes, forTask: i) }
        }
    }

    /// The same, one task at a time, for a cache that answers at once.
    private func takeCachedWrites(inline cache: any ImmediateNodeCache) async throws {
        for i in tasks.indices where !tasks[i].restored && tasks[i].node >= 0 {
            guard let policy = graph.topology.nodes[tasks[i].node].policy.cache else { continue }
            let key = NodeCacheKey(node: tasks[i].name, key: policy.key(tasks[i].input))
            tasks[i].cacheKey = key
            if let writes = cache.entry(key) { try await take(writes, forTask: i) }
        }
    }

    /// Gives task `i` the cached writes instead of running it.
    private func take(_ writes: [CachedWrite], forTask i: Int) async throws {
        tasks[i].writes = writes.compactMap { write in graph.topology.channelIndex[write.channel].map { ($0, write.value) } }
        tasks[i].restored = true
        if checkpointer != nil && tasks.count > 1 {
            try await putWrites(taskId: tasks[i].id, named: writes.map { ($0.channel, $0.value) })
        }
        emitUpdates(for: tasks[i], cached: true)
    }

    /// Stores a finished task's writes under its cache key, if its node is cached.
    func cache(_ writes: [(Int, Value)], of task: PregelTask) async throws {
        guard let cache = graph.cache, let key = task.cacheKey, let policy = graph.topology.nodes[task.node].policy.cache else { return }
        let named = writes.map { CachedWrite(channel: graph.topology.channelNames[$0.0], value: $0.1) }
        if let immediate = graph.immediateCache {
            immediate.store(key, writes: named, ttl: policy.ttl)
        } else {
            try await cache.set(key, writes: named, ttl: policy.ttl)
        }
    }
}
