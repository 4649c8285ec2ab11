import ChorusGraph

/// Evaluates the scenario language's expressions and conditions against a
/// node's input (FORMAT.md §2.3).
struct ScenarioExpression {
    /// The node input (graph state, or a `Send` argument).
    let input: Value
    /// The list item and index, inside a `send` edge's `arg`.
    var item: Value? = nil
    var index: Int? = nil
    /// The node's attempt (1 for the first), inside a node.
    var attempt: Int? = nil

    func evaluate(_ expr: Value) throws -> Value {
        switch expr {
        case .array(let items):
            return .array(try items.map(evaluate))
        case .object(let o):
            if let key = o["$state"] ?? o["$arg"] { return read(key, default: o["default"]) }
            if let key = o["$len"] {
                let v = read(key, default: nil)
                switch v {
                case .array(let a): return .int(a.count)
                case .string(let s): return .int(s.count)
                case .object(let d): return .int(d.count)
                default: return .int(0)
                }
            }
            if let template = o["$fmt"] {
                guard let text = template.stringValue else { throw ScenarioError("$fmt needs a string template") }
                var args: [String: Value] = [:]
                for (k, v) in o where k != "$fmt" { args[k] = try evaluate(v) }
                return .string(try format(text, args))
            }
            if let field = o["$item"] {
                guard let item else { throw ScenarioError("$item used outside a send edge") }
                if let name = field.stringValue, !name.isEmpty { return item[name] ?? .null }
                return item
            }
            if o["$index"] != nil {
                guard let index else { throw ScenarioError("$index used outside a send edge") }
                return .int(index)
            }
            if o["$attempt"] != nil {
                guard let attempt else { throw ScenarioError("$attempt used outside a node") }
                return .int(attempt)
            }
            if let terms = o["$add"] {
                let values = try (terms.arrayValue ?? []).map(evaluate)
                guard var sum = values.first else { return .int(0) }
                for v in values.dropFirst() { sum = try PythonAdd.add(sum, v) }
                return sum
            }
            if let literal = o["$literal"] { return literal }
            var out: [String: Value] = [:]
            for (k, v) in o { out[k] = try evaluate(v) }
            return .object(out)
        default:
            return expr
        }
    }

    private func read(_ key: Value, default fallback: Value?) -> Value {
        guard let name = key.stringValue, !name.isEmpty else { return input }
        return input[name] ?? fallback ?? .null
    }

    /// Python `str.format` with named fields (`{name}`, `{{`, `}}`).
    private func format(_ template: String, _ args: [String: Value]) throws -> String {
        var out = ""
        var chars = template.makeIterator()
        while let c = chars.next() {
            if c == "{" {
                var name = ""
                guard let first = chars.next() else { throw ScenarioError("unterminated field in $fmt '\(template)'") }
                if first == "{" { out.append("{"); continue }
                var ch: Character? = first
                while let x = ch, x != "}" { name.append(x); ch = chars.next() }
                if ch == nil { throw ScenarioError("unterminated field in $fmt '\(template)'") }
                let field = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                guard let value = args[field] else { throw ScenarioError("KeyError: '\(field)' in $fmt '\(template)'") }
                out += PythonText.str(value)
            } else if c == "}" {
                if chars.next() != "}" { throw ScenarioError("single '}' in $fmt '\(template)'") }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: conditions

    func holds(_ condition: Value) throws -> Bool {
        switch condition {
        case .bool(let b): return b
        case .null: return false
        case .object(let o):
            guard let (op, arg) = o.first, o.count == 1 else { throw ScenarioError("condition must have one operator: \(condition)") }
            switch op {
            case "and": return try (arg.arrayValue ?? []).allSatisfy(holds)
            case "or": return try (arg.arrayValue ?? []).contains(where: holds)
            case "not": return try !holds(arg)
            case "truthy": return try evaluate(arg).isTruthy
            default:
                guard let pair = arg.arrayValue, pair.count == 2 else { throw ScenarioError("'\(op)' needs two operands") }
                let a = try evaluate(pair[0]), b = try evaluate(pair[1])
                switch op {
                case "eq": return Self.pyEqual(a, b)
                case "ne": return !Self.pyEqual(a, b)
                case "lt": return try Self.compare(a, b) < 0
                case "le": return try Self.compare(a, b) <= 0
                case "gt": return try Self.compare(a, b) > 0
                case "ge": return try Self.compare(a, b) >= 0
                case "in":
                    switch b {
                    case .array(let items): return items.contains { Self.pyEqual($0, a) }
                    case .string(let s): return a.stringValue.map { s.contains($0) } ?? false
                    case .object(let d): return a.stringValue.map { d[$0] != nil } ?? false
                    default: return false
                    }
                default: throw ScenarioError("unknown condition operator '\(op)'")
                }
            }
        default:
            throw ScenarioError("bad condition \(condition)")
        }
    }

    static func pyEqual(_ a: Value, _ b: Value) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        return a.jsonEquals(b)
    }

    private static func numeric(_ v: Value) -> Double? {
        switch v {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    private static func compare(_ a: Value, _ b: Value) throws -> Int {
        if let x = numeric(a), let y = numeric(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = a.stringValue, let y = b.stringValue { return x < y ? -1 : (x > y ? 1 : 0) }
        throw GraphError(.typeError, "'<' not supported between instances of '\(PythonAdd.typeName(a))' and '\(PythonAdd.typeName(b))'")
    }
}
