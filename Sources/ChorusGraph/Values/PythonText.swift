/// Python's `str()` and `repr()` of values, so errors and stored task errors
/// read as LangGraph's do.
public enum PythonText {
    /// `str(v)`: a string as is, anything else as `repr(v)`.
    public static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    /// `repr(v)`. Object keys come in sorted order: a `Value` object keeps no
    /// insertion order.
    public static func repr(_ v: Value) -> String {
        switch v {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return float(d)
        case .string(let s): return repr(s)
        case .array(let a): return "[" + a.map(repr).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\(repr($0)): \(repr(o[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    /// `repr(s)` of a string: single quotes unless it holds only single ones.
    public static func repr(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(ch) == quote {
                    out += "\\\(quote)"
                } else if ch.value < 0x20 || ch.value == 0x7F {
                    let hex = String(ch.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// `repr()` of a float: `1.0`, `2.5`, `nan`, `inf`.
    private static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d.rounded() == d && abs(d) < 1e16 { return String(Int(d)) + ".0" }
        return String(d)
    }
}
