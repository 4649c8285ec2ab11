/// One key of a typed graph state `State`: its name in the engine's state,
/// the Swift type of its value and how writes to it combine. Declared once,
/// as a static member of the state type:
///
/// ```swift
/// enum Counter: GraphState {
///     static let n = Key<Int>.lastValue("n")
///     static let log = Key<[String]>.appending("log")
///     static let schema = Schema(n, log)
/// }
/// ```
public struct StateKey<State, T: StateValue>: Sendable {
    /// The key's name in the engine's state (and on the wire).
    public let name: String
    /// How the key combines the writes of a superstep.
    public let kind: StateSchema.KeyKind

    @usableFromInline init(_ name: String, _ kind: StateSchema.KeyKind) {
        self.name = name
        self.kind = kind
    }

    /// Last value wins; two writes in one superstep are an `InvalidUpdateError`.
    public static func lastValue(_ name: String) -> StateKey { StateKey(name, .lastValue) }

    /// Writes are folded with `reducer` (an engine reducer, applied to the values the type encodes to).
    public static func reduced(_ name: String, _ reducer: Reducer) -> StateKey { StateKey(name, .reducer(reducer)) }

    /// Writes are folded with a Swift function, starting at `initial`. Each
    /// write decodes the old value and encodes the new one; the built-in
    /// reducers below work on the engine's values directly.
    public static func reduced(_ name: String, initial: T, _ combine: @escaping @Sendable (T, T) throws -> T) -> StateKey {
        StateKey(name, .reducer(Reducer(name: name, initial: initial.stateValue) { old, new in
            try combine(T(stateValue: old), T(stateValue: new)).stateValue
        }))
    }

    /// A list whose writes are appended (LangGraph's `Annotated[list, operator.add]`); starts empty.
    public static func appending<Element>(_ name: String) -> StateKey where T == [Element] { StateKey(name, .reducer(.append)) }

    /// A number whose writes are added; starts at zero.
    public static func adding(_ name: String) -> StateKey where T: Numeric { StateKey(name, .reducer(.add)) }

    /// A dictionary whose writes are merged, the newer value winning per key; starts empty.
    public static func merging<V>(_ name: String) -> StateKey where T == [String: V] { StateKey(name, .reducer(.merge)) }

    /// A message list under LangGraph's `add_messages`: appended, replaced by id, removed by `RemoveMessage`.
    public static func messages<Message>(_ name: String) -> StateKey where T == [Message] { StateKey(name, .reducer(.messages)) }
}
