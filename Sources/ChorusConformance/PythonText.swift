import ChorusGraph

/// Python's `str()` and `repr()` of JSON values, for `$fmt` and error texts.
enum PythonText {
    static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    static func repr(_ v: Value) -> String {
        switch v {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return float(d)
        case .string(let s): return PythonRepr.string(s)
        case .array(let a): return "[" + a.map(repr).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\(PythonRepr.string($0)): \(repr(o[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d.rounded() == d && abs(d) < 1e16 { return String(Int(d)) + ".0" }
        return String(d)
    }
}
