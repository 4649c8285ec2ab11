/// Quick-switcher matching: the query's characters must appear in order;
/// matches at word starts and in runs score higher.
public enum FuzzyMatch {
    /// A score (higher is better), or nil when `query` does not match `text`.
    public static func score(_ query: String, in text: String) -> Int? {
        let q = Array(query.lowercased().filter { $0 != " " })
        if q.isEmpty { return 0 }
        let t = Array(text.lowercased())
        var score = 0, qi = 0, previous = -2
        for (i, ch) in t.enumerated() where qi < q.count && ch == q[qi] {
            score += 1
            if i == previous + 1 { score += 3 }
            if i == 0 || !t[i - 1].isLetter && !t[i - 1].isNumber { score += 5 }
            previous = i
            qi += 1
        }
        return qi == q.count ? score - t.count / 10 : nil
    }

    /// Indices of `items` matching `query`, best first (ties keep their order).
    public static func rank(_ query: String, _ items: [String]) -> [Int] {
        items.indices.compactMap { i in score(query, in: items[i]).map { (i, $0) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
    }
}
