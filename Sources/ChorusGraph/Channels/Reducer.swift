/// How a state key combines writes: an initial value and a binary function.
/// A key without a reducer keeps the last value written (`LastValueChannel`).
public struct Reducer: Sendable {
    public let name: String
    public let initial: Value
    public let combine: @Sendable (Value, Value) throws -> Value
    /// Same result as `combine`, folding into the accumulator in place (avoids
    /// copying a long list once per write).
    let fold: @Sendable (inout Value, Value) throws -> Void
    /// Whether the key's channel keeps a message list with its id index
    /// (`MessagesChannel`) instead of folding plain values.
    let keepsMessages: Bool

    public init(name: String, initial: Value, combine: @escaping @Sendable (Value, Value) throws -> Value) {
        self.init(name: name, initial: initial, combine: combine) { acc, new in acc = try combine(acc, new) }
    }

    init(name: String, initial: Value, combine: @escaping @Sendable (Value, Value) throws -> Value,
         keepsMessages: Bool = false, fold: @escaping @Sendable (inout Value, Value) throws -> Void) {
        self.name = name
        self.initial = initial
        self.combine = combine
        self.keepsMessages = keepsMessages
        self.fold = fold
    }

    /// A fresh channel for a key with this reducer.
    func makeChannel() -> any Channel {
        keepsMessages ? MessagesChannel() : BinaryOperatorChannel(reducer: self)
    }

    /// List concatenation, `old + new` (Python `operator.add` on lists); starts at `[]`.
    public static let append = Reducer(name: "append", initial: .array([]), combine: { try PythonAdd.add($0, $1) }) { acc, new in
        if case .array(var items) = acc, case .array(let more) = new {
            acc = .null
            items.append(contentsOf: more)
            acc = .array(items)
        } else {
            acc = try PythonAdd.add(acc, new)
        }
    }
    /// Numeric addition, `old + new`; starts at `0`.
    public static let add = Reducer(name: "add", initial: .int(0)) { try PythonAdd.add($0, $1) }
    /// Dictionary merge, `{**old, **new}` (right wins); starts at `{}`.
    public static let merge = Reducer(name: "merge", initial: .object([:])) { old, new in
        guard case .object(var merged) = old, case .object(let incoming) = new else {
            throw GraphError(.typeError, "merge expects objects, got \(old) and \(new)")
        }
        for (k, v) in incoming { merged[k] = v }
        return .object(merged)
    }
    /// LangGraph's `add_messages`: append, replace by id, remove.
    public static let messages = Reducer(name: "messages", initial: .array([]), combine: { try MessageList.add($0, $1) },
                                         keepsMessages: true) { acc, new in acc = try MessageList.add(acc, new) }
}

/// Python's `+` on JSON values: numbers add, strings and lists concatenate.
public enum PythonAdd {
    public static func add(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (sum, overflow) = x.addingReportingOverflow(y)
            return overflow ? .double(Double(x) + Double(y)) : .int(sum)
        case (.int, .double), (.double, .int), (.double, .double):
            return .double(a.doubleValue! + b.doubleValue!)
        case (.bool, _), (_, .bool):
            if let x = pythonInt(a), let y = pythonInt(b) { return .int(x + y) }
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.array(let x), .array(let y)): return .array(x + y)
        default: break
        }
        if case .array = a {
            throw GraphError(.typeError, "can only concatenate list (not \"\(typeName(b))\") to list")
        }
        throw GraphError(.typeError, "unsupported operand type(s) for +: '\(typeName(a))' and '\(typeName(b))'")
    }

    private static func pythonInt(_ v: Value) -> Int? {
        switch v {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        default: return nil
        }
    }

    /// The Python type name of a JSON value, for error messages.
    public static func typeName(_ v: Value) -> String {
        switch v {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
