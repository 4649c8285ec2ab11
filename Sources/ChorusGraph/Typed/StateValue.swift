/// A Swift type that can live in graph state: converted to the engine's
/// `Value` once, when it is written, and back when a node reads it.
///
/// Numbers, strings, booleans, arrays, optionals, string-keyed dictionaries
/// and `Value` itself conform directly (no coding machinery). Any `Codable`
/// type conforms by declaring it: `extension Finding: StateValue {}`.
public protocol StateValue: Sendable {
    /// Reads the type from an engine value; throws a `GraphError` of kind `typeError` when the value has another shape.
    init(stateValue: Value) throws
    /// The engine value of `self`.
    var stateValue: Value { get }
    /// What a read of a key that was never written returns; nil (the
    /// default) makes such a read an error. `Optional` answers `.none`.
    static var whenAbsent: Self? { get }
}

extension StateValue {
    @inlinable public static var whenAbsent: Self? { nil }
}

extension StateValue where Self: Codable {
    public init(stateValue: Value) throws {
        self = try Self(from: ValueDecoding(value: stateValue, codingPath: []))
    }

    public var stateValue: Value {
        let root = ValueEncoding.Node()
        // The coding machinery only throws for the caller's own `encode(to:)`
        // errors; a state value that cannot encode itself is a programming error.
        do { try encode(to: ValueEncoding(node: root, codingPath: [])) } catch { preconditionFailure("\(Self.self) cannot encode itself: \(error)") }
        return root.value
    }
}

extension StateValue {
    @usableFromInline static func mismatch(_ value: Value) -> GraphError {
        GraphError(.typeError, "expected \(Self.self), got \(value)")
    }
}

extension Value: StateValue {
    @inlinable public init(stateValue: Value) { self = stateValue }
    @inlinable public var stateValue: Value { self }
}

extension Int: StateValue {
    @inlinable public init(stateValue: Value) throws {
        guard let i = stateValue.intValue else { throw Self.mismatch(stateValue) }
        self = i
    }
    @inlinable public var stateValue: Value { .int(self) }
}

extension Double: StateValue {
    @inlinable public init(stateValue: Value) throws {
        guard let d = stateValue.doubleValue else { throw Self.mismatch(stateValue) }
        self = d
    }
    @inlinable public var stateValue: Value { .double(self) }
}

extension Bool: StateValue {
    @inlinable public init(stateValue: Value) throws {
        guard case .bool(let b) = stateValue else { throw Self.mismatch(stateValue) }
        self = b
    }
    @inlinable public var stateValue: Value { .bool(self) }
}

extension String: StateValue {
    @inlinable public init(stateValue: Value) throws {
        guard case .string(let s) = stateValue else { throw Self.mismatch(stateValue) }
        self = s
    }
    @inlinable public var stateValue: Value { .string(self) }
}

extension Array: StateValue where Element: StateValue {
    @inlinable public init(stateValue: Value) throws {
        guard case .array(let items) = stateValue else { throw Self.mismatch(stateValue) }
        self = try items.map(Element.init(stateValue:))
    }
    @inlinable public var stateValue: Value { .array(map { $0.stateValue }) }
}

extension Dictionary: StateValue where Key == String, Value: StateValue {
    @inlinable public init(stateValue: ChorusGraph.Value) throws {
        guard case .object(let fields) = stateValue else { throw Self.mismatch(stateValue) }
        self = try fields.mapValues(Value.init(stateValue:))
    }
    @inlinable public var stateValue: ChorusGraph.Value { .object(mapValues { $0.stateValue }) }
}

extension Optional: StateValue where Wrapped: StateValue {
    @inlinable public init(stateValue: Value) throws {
        self = stateValue.isNull ? nil : try Wrapped(stateValue: stateValue)
    }
    @inlinable public var stateValue: Value { map { $0.stateValue } ?? .null }
    @inlinable public static var whenAbsent: Self? { .some(nil) }
}
