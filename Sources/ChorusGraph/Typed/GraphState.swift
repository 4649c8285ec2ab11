/// The state of a typed graph, declared once: a type (usually a case-less
/// `enum`) whose static `StateKey`s name each key with its Swift type and
/// reducer, and whose `schema` lists them.
public protocol GraphState: Sendable {
    /// Every key of the state, in order.
    static var schema: Schema<Self> { get }
}

extension GraphState {
    /// A key of this state: `static let n = Key<Int>.lastValue("n")`.
    public typealias Key<T: StateValue> = StateKey<Self, T>
}

/// The keys of a `GraphState`, listed once: `static let schema = Schema(n, log)`.
public struct Schema<State>: Sendable {
    /// The engine's schema for these keys.
    public let dynamic: StateSchema
    @usableFromInline let keyCheck: KeyCheck

    public init<each T: StateValue>(_ keys: repeat StateKey<State, each T>) {
        var schema = StateSchema()
        for key in repeat each keys { schema.add(key.name, key.kind) }
        dynamic = schema
        keyCheck = KeyCheck(names: Set(schema.keys), state: "\(State.self)", keys: schema.keys.joined(separator: ", "))
    }
}

/// Refuses writes to keys a schema does not have (LangGraph's
/// `InvalidUpdateError`). Not generic, so a node's wrapper calls it directly
/// even where the compiler did not specialize the wrapper for its state type.
@usableFromInline struct KeyCheck: Sendable {
    let names: Set<String>
    let state: String
    let keys: String

    /// Throws when `update` names a key that is not in the schema.
    @usableFromInline func check(_ update: [String: Value], from writer: String) throws {
        for key in update.keys where !names.contains(key) {
            throw GraphError(.invalidUpdate, "\(writer) wrote '\(key)', which is not a key of \(state)'s schema (\(keys))")
        }
    }

    /// A node's checked update as the engine's node output.
    @usableFromInline func output(_ writes: [String: Value], goto: [Route], node: String) throws -> NodeOutput {
        try check(writes, from: "node '\(node)'")
        return goto.isEmpty ? .update(writes) : .command(Command(update: writes, goto: goto))
    }
}
