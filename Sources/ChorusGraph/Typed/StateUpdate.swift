/// A node's typed answer: writes to its state's keys, and optionally where
/// to go next (LangGraph's `Command(update=…, goto=…)`).
///
/// ```swift
/// var update = StateUpdate<Counter>()
/// update.n = n + 1
/// update.log = ["counted"]   // appended, as the key's reducer says
/// ```
@dynamicMemberLookup
public struct StateUpdate<State: GraphState>: Sendable {
    /// The writes as engine values, by key name.
    public var values: [String: Value] { writes }
    @usableFromInline var writes: [String: Value]
    /// Nodes or `Send`s to run next, besides the node's edges.
    public var goto: [Route]

    @inlinable public init(goto: [Route] = []) {
        writes = [:]
        self.goto = goto
    }

    /// Builds an update in one expression: `StateUpdate { $0.n = 1 }`.
    @inlinable public init(goto: [Route] = [], _ build: (inout StateUpdate) throws -> Void) rethrows {
        self.init(goto: goto)
        try build(&self)
    }

    /// The value written to `key` in this update; setting nil takes the write back.
    @inlinable public subscript<T>(key: StateKey<State, T>) -> T? {
        get { writes[key.name].flatMap { try? T(stateValue: $0) } }
        set { writes[key.name] = newValue?.stateValue }
    }

    @inlinable public subscript<T>(dynamicMember key: KeyPath<State.Type, StateKey<State, T>>) -> T? {
        get { self[State.self[keyPath: key]] }
        set { self[State.self[keyPath: key]] = newValue }
    }

    /// Removes messages by id from a message list (LangGraph's `RemoveMessage`,
    /// with the empty `content` LangChain needs to read it as a message).
    public mutating func removeMessages<Message>(_ ids: [String], from key: StateKey<State, [Message]>) {
        writes[key.name] = .array(ids.map { .object(["type": "remove", "id": .string($0), "content": ""]) })
    }
}
