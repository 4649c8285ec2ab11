/// A typed, read-only view of a graph state: `try state.n` or
/// `try state[Counter.n]`. Each read decodes only its own key, so a node
/// that reads a counter never decodes a long message list beside it.
@dynamicMemberLookup
public struct StateView<State: GraphState>: Sendable {
    /// The engine's state object, for code that works on values.
    public let values: Value

    @inlinable public init(_ values: Value) { self.values = values }

    /// The key's value. Throws a `typeError` when the stored value has another
    /// type, or when the key was never written and its type is not optional.
    @inlinable public subscript<T>(key: StateKey<State, T>) -> T {
        get throws {
            guard let stored = values[key.name] else {
                if let absent = T.whenAbsent { return absent }
                throw GraphError(.typeError, "state key '\(key.name)' has no value yet; declare it optional to read it before it is written")
            }
            do { return try T(stateValue: stored) } catch let error as GraphError {
                throw GraphError(error.kind, "state key '\(key.name)': \(error.message)")
            } catch {
                throw GraphError(.typeError, "state key '\(key.name)': \(error)")
            }
        }
    }

    @inlinable public subscript<T>(dynamicMember key: KeyPath<State.Type, StateKey<State, T>>) -> T {
        get throws { try self[State.self[keyPath: key]] }
    }
}
