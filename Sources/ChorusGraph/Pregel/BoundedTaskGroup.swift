/// Runs work concurrently with an exact bound on tasks in flight: never one
/// over the limit, and a freed slot is refilled at once while work waits.
public enum BoundedTaskGroup {
    /// Maps `items` with at most `limit` calls of `body` running at once; nil
    /// means no bound. Results keep input order; the first error cancels the rest.
    public static func map<T: Sendable, R: Sendable>(
        _ items: [T], limit: Int?, _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        if items.isEmpty { return [] }
        let bound = max(1, min(limit ?? items.count, items.count))
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            while next < bound {
                let index = next
                group.addTask { (index, try await body(items[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, try await body(items[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
