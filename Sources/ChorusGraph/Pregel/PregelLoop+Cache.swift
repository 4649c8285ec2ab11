/// Node caching (`CachePolicy`): before a step runs, tasks of cached nodes
/// whose input key has an entry take its writes instead of running; after a
/// task of a cached node finishes, its writes become an entry.
extension PregelLoop {
    /// As LangGraph's `match_cached_writes`: a cache hit is streamed as an
    /// update marked `cached`, and reports no task result.
    func takeCachedWrites(from cache: any NodeCache) async throws {
        if let immediate = graph.immediateCache {
            // A cache that answers at once is asked inline, one task at a time.
            for i in tasks.indices {
                if let key = assignCacheKey(toTask: i), let writes = immediate.entry(key) { try await take(writes, forTask: i) }
            }
            return
        }
        let wanted = tasks.indices.compactMap { i in assignCacheKey(toTask: i).map { (index: i, key: $0) } }
        if wanted.isEmpty { return }
        let found = try await cache.get(wanted.map(\.key))
        for (i, key) in wanted {
            if let writes = found[key] { try await take(writes, forTask: i) }
        }
    }

    /// The cache key of task `i`, recorded on the task, when it is due and its node is cached.
    private func assignCacheKey(toTask i: Int) -> NodeCacheKey? {
        guard !tasks[i].restored, tasks[i].node >= 0, let policy = graph.topology.nodes[tasks[i].node].policy.cache else { return nil }
        let key = NodeCacheKey(node: tasks[i].name, key: policy.key(tasks[i].input))
        tasks[i].cacheKey = key
        return key
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
