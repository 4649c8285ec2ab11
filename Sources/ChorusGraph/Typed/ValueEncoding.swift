/// Encodes an `Encodable` type straight into a `Value`, without JSON text in
/// between: the write half of `StateValue`'s `Codable` bridge.
///
/// Containers hand out references into one tree of `Node`s (nested
/// containers write into their parent after they are returned, as `Encoder`
/// requires); `Node.value` folds the tree once encoding is over.
struct ValueEncoding: Encoder {
    /// One encoded value, filled in by whichever container the type asks for.
    final class Node {
        enum Content {
            case single(Value)
            case object([String: Node])
            case array([Node])
        }
        var content = Content.single(.null)

        var value: Value {
            switch content {
            case .single(let v): return v
            case .object(let fields): return .object(fields.mapValues(\.value))
            case .array(let items): return .array(items.map(\.value))
            }
        }

        func child(_ key: String) -> Node {
            let node = Node()
            if case .object(var fields) = content {
                content = .single(.null)
                fields[key] = node
                content = .object(fields)
            } else {
                content = .object([key: node])
            }
            return node
        }

        func appended() -> Node {
            let node = Node()
            if case .array(var items) = content {
                content = .single(.null)
                items.append(node)
                content = .array(items)
            } else {
                content = .array([node])
            }
            return node
        }

        func makeObject() { if case .object = content {} else { content = .object([:]) } }
        func makeArray() { if case .array = content {} else { content = .array([]) } }
        var count: Int { if case .array(let items) = content { items.count } else { 0 } }

        func set<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            switch value {
            case let v as Value: content = .single(v)
            case let b as Bool: content = .single(.bool(b))
            case let s as String: content = .single(.string(s))
            case let i as Int: content = .single(.int(i))
            case let d as Double: content = .single(.double(d))
            case let f as Float: content = .single(.double(Double(f)))
            default: try value.encode(to: ValueEncoding(node: self, codingPath: codingPath))
            }
        }
    }

    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(Keyed(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() { node.content = .single(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let integer = value as? any FixedWidthInteger, !(value is Int) {
                node.content = .single(Int(exactly: integer).map(Value.int) ?? .double(Double(integer)))
            } else {
                try node.set(value, codingPath: codingPath)
            }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) { node.child(key.stringValue).content = .single(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            var single = Single(node: node.child(key.stringValue), codingPath: codingPath + [key])
            try single.encode(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoding(node: node.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            ValueEncoding(node: node.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoding(node: node.child("super"), codingPath: codingPath) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            ValueEncoding(node: node.child(key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.count }

        mutating func encodeNil() { node.appended().content = .single(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            let path = codingPath + [IndexKey(index: count)]
            var single = Single(node: node.appended(), codingPath: path)
            try single.encode(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            nextEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nextEncoder().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder { nextEncoder() }

        private func nextEncoder() -> ValueEncoding {
            let path = codingPath + [IndexKey(index: count)]
            return ValueEncoding(node: node.appended(), codingPath: path)
        }
    }
}
