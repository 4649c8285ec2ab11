import ChorusGraph

/// The corpus's comparison rules (a port of `compare.py`, FORMAT.md §6.5 and
/// §7): exact JSON equality, except `next`/`tasks` as multisets and streams
/// compared superstep by superstep, lane by lane.
public enum ConformanceComparator {
    static let comparedKeys = ["result", "error", "stream", "state", "state_after", "history"]

    /// nil when `actual` matches the case, else the first difference.
    public static func compare(_ scenario: Scenario, actual: Value) -> String? {
        guard let calls = actual["calls"]?.arrayValue else { return "actual must be an object with a 'calls' list" }
        if calls.count != scenario.expected.count {
            return "calls: expected \(scenario.expected.count) call results, got \(calls.count)"
        }
        for (i, (exp, act)) in zip(scenario.expected, calls).enumerated() {
            let call = i < scenario.calls.count ? scenario.calls[i] : .object([:])
            if let r = compareCall(exp, act, call: call, path: "calls[\(i)](\(call["call"]?.stringValue ?? ""))") { return r }
        }
        return nil
    }

    static func compareCall(_ exp: Value, _ act: Value, call: Value, path: String) -> String? {
        guard case .object = act else { return "\(path): actual call result must be an object" }
        for key in comparedKeys {
            let e = exp[key], a = act[key]
            if (e == nil) != (a == nil) {
                return e != nil ? "\(path): key '\(key)' missing in actual (expected \(short(e!)))"
                    : "\(path): unexpected key '\(key)' in actual (value \(short(a!)))"
            }
            guard let e, let a else { continue }
            let p = "\(path).\(key)"
            let r: String?
            switch key {
            case "stream": r = diffStream(e, a, call: call, path: p)
            case "state", "state_after": r = diff(snapshotNormalized(e), snapshotNormalized(a), p)
            case "history":
                if let el = e.arrayValue, let al = a.arrayValue {
                    r = diff(.array(el.map(snapshotNormalized)), .array(al.map(snapshotNormalized)), p)
                } else {
                    r = diff(e, a, p)
                }
            default: r = diff(e, a, p)
            }
            if let r { return r }
        }
        return nil
    }

    // MARK: generic

    /// Canonical text: sorted keys, integral numbers as integers.
    static func key(_ v: Value) -> String { JSON.serialize(integral(v)) }

    static func integral(_ v: Value) -> Value {
        switch v {
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return .int(Int(d))
        case .array(let a): return .array(a.map(integral))
        case .object(let o): return .object(o.mapValues(integral))
        default: return v
        }
    }

    static func short(_ v: Value, _ n: Int = 300) -> String {
        let s = key(v)
        return s.count <= n ? s : String(s.prefix(n - 3)) + "..."
    }

    static func diff(_ exp: Value, _ act: Value, _ path: String) -> String? {
        switch (exp, act) {
        case (.object(let e), .object(let a)):
            for k in e.keys.sorted() where a[k] == nil { return "\(path): key '\(k)' missing in actual (expected \(short(e[k]!)))" }
            for k in a.keys.sorted() where e[k] == nil { return "\(path): unexpected key '\(k)' in actual (value \(short(a[k]!)))" }
            for k in e.keys.sorted() { if let r = diff(e[k]!, a[k]!, "\(path).\(k)") { return r } }
            return nil
        case (.array(let e), .array(let a)):
            for (i, (x, y)) in zip(e, a).enumerated() { if let r = diff(x, y, "\(path)[\(i)]") { return r } }
            return e.count == a.count ? nil : "\(path): expected \(e.count) items, got \(a.count)"
        default:
            return exp.jsonEquals(act) ? nil : "\(path): expected \(short(exp)), got \(short(act))"
        }
    }

    static func snapshotNormalized(_ s: Value) -> Value {
        guard var o = s.objectValue else { return s }
        if let next = o["next"]?.arrayValue { o["next"] = .array(next.sorted { key($0) < key($1) }) }
        if let tasks = o["tasks"]?.arrayValue { o["tasks"] = .array(tasks.sorted { key($0) < key($1) }) }
        return .object(o)
    }

    // MARK: streams

    private struct Entry {
        let steps: [Value]
        let chunk: Value
    }

    private enum Lane {
        case sequence([Value])
        case runs([(step: String, chunks: [Value])])
    }

    private static func structure(_ entries: Value, call: Value, who: String) throws -> [(Value, [String: Lane])] {
        guard let list = entries.arrayValue else { throw ScenarioError("\(who) stream is not a list") }
        let modes = call["modes"] ?? .string("values")
        let multi = modes.arrayValue != nil
        let subgraphs = call["subgraphs"]?.isTruthy ?? false
        var groups: [(Value, [String: [(Value, Value)]], [String])] = []
        for (i, e) in list.enumerated() {
            guard let stepValue = e["step"], let chunk = e["chunk"] else { throw ScenarioError("\(who) stream[\(i)] must be {step, chunk}") }
            let step: [Value] = stepValue.arrayValue ?? [stepValue]
            var rest = chunk
            var ns: [String] = []
            if subgraphs {
                guard let parts = chunk.arrayValue, !parts.isEmpty else { throw ScenarioError("subgraph chunk must be a list [namespace, ...]") }
                ns = (parts[0].arrayValue ?? []).map { $0.stringValue ?? "" }
                rest = multi ? .array(Array(parts.dropFirst())) : (parts.count > 1 ? parts[1] : .null)
            }
            var mode = modes.stringValue ?? "values"
            var data = rest
            if multi {
                guard let pair = rest.arrayValue, pair.count == 2 else { throw ScenarioError("multi-mode chunk must be [mode, data]") }
                mode = pair[0].stringValue ?? ""
                data = pair[1]
            }
            var normalizedChunk = chunk
            if mode == "debug" {
                let fixed = debugNormalized(data)
                if multi && subgraphs, var parts = chunk.arrayValue, parts.count == 3 { parts[2] = fixed; normalizedChunk = .array(parts) }
                else if multi, var parts = chunk.arrayValue, parts.count == 2 { parts[1] = fixed; normalizedChunk = .array(parts) }
                else if subgraphs, var parts = chunk.arrayValue, parts.count == 2 { parts[1] = fixed; normalizedChunk = .array(parts) }
                else { normalizedChunk = fixed }
            }
            var lane = ns.joined(separator: "/")
            if mode == "messages" {
                let id = data.arrayValue?.first?["id"]
                lane += "#msg:" + (id.map { $0.stringValue ?? key($0) } ?? "None")
            }
            let root = step.first ?? .null
            if groups.isEmpty || !groups[groups.count - 1].0.jsonEquals(root) {
                groups.append((root, [:], []))
            }
            if groups[groups.count - 1].1[lane] == nil { groups[groups.count - 1].2.append(lane) }
            groups[groups.count - 1].1[lane, default: []].append((.array(step), normalizedChunk))
        }
        return groups.map { root, lanes, _ in
            var rep: [String: Lane] = [:]
            for (lane, items) in lanes {
                if lane.contains("#msg:") {
                    rep[lane] = .sequence(items.map(\.1))
                } else {
                    var runs: [(step: String, chunks: [Value])] = []
                    for (st, c) in items {
                        let k = key(st)
                        if runs.isEmpty || runs[runs.count - 1].step != k { runs.append((k, [])) }
                        runs[runs.count - 1].chunks.append(c)
                    }
                    rep[lane] = .runs(runs)
                }
            }
            return (root, rep)
        }
    }

    private static func debugNormalized(_ d: Value) -> Value {
        guard d["type"]?.stringValue == "checkpoint", var o = d.objectValue, let payload = o["payload"] else { return d }
        o["payload"] = snapshotNormalized(payload)
        return .object(o)
    }

    static func diffStream(_ exp: Value, _ act: Value, call: Value, path: String) -> String? {
        let se: [(Value, [String: Lane])]
        let sa: [(Value, [String: Lane])]
        do { se = try structure(exp, call: call, who: "expected") } catch { return "\(path): malformed expected stream: \(error)" }
        do { sa = try structure(act, call: call, who: "actual") } catch { return "\(path): malformed actual stream: \(error)" }
        for gi in 0..<max(se.count, sa.count) {
            if gi >= se.count { return "\(path): unexpected extra superstep group #\(gi) (step \(short(sa[gi].0))) in actual" }
            if gi >= sa.count { return "\(path): missing superstep group #\(gi) (step \(short(se[gi].0))) in actual" }
            let (re, le) = se[gi], (ra, la) = sa[gi]
            let gp = "\(path)<superstep group #\(gi), step \(short(re))>"
            if key(re) != key(ra) { return "\(gp): expected step \(short(re)), got step \(short(ra))" }
            for lane in Set(le.keys).union(la.keys).sorted() {
                let lp = "\(gp)<lane '\(lane)'>"
                guard let e = le[lane] else { return "\(lp): unexpected chunks in actual" }
                guard let a = la[lane] else { return "\(lp): lane missing in actual" }
                switch (e, a) {
                case (.sequence(let x), .sequence(let y)):
                    if let r = diff(.array(x), .array(y), lp) { return r + "  (token chunks of one message are ordered)" }
                case (.runs(let x), .runs(let y)):
                    if x.count != y.count {
                        return "\(lp): expected \(x.count) step runs \(x.map(\.step)), got \(y.count) \(y.map(\.step))"
                    }
                    for (ri, (rx, ry)) in zip(x, y).enumerated() {
                        if rx.step != ry.step { return "\(lp): run #\(ri): expected step path \(rx.step), got \(ry.step)" }
                        let ex = rx.chunks.map(key).sorted(), ac = ry.chunks.map(key).sorted()
                        if ex != ac {
                            let missing = multisetMinus(ex, ac), extra = multisetMinus(ac, ex)
                            return "\(lp)<step path \(rx.step)>: chunks differ (compared as a multiset)\n    expected but missing: \(missing)\n    present but unexpected: \(extra)"
                        }
                    }
                default:
                    return "\(lp): lane kinds differ"
                }
            }
        }
        return nil
    }

    private static func multisetMinus(_ a: [String], _ b: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for x in b { counts[x, default: 0] += 1 }
        var out: [String] = []
        for x in a {
            if let c = counts[x], c > 0 { counts[x] = c - 1 } else { out.append(x) }
        }
        return out
    }
}
