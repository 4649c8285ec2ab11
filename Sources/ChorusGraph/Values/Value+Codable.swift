/// `Value` in `Codable` types: a field that stays dynamic (a tool's JSON
/// arguments, say) encodes and decodes as the JSON it is.
extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int.self) {
            self = .int(i)
        } else if let d = try? single.decode(Double.self) {
            self = .double(d)
        } else if let s = try? single.decode(String.self) {
            self = .string(s)
        } else if let items = try? single.decode([Value].self) {
            self = .array(items)
        } else {
            self = .object(try single.decode([String: Value].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let b): try single.encode(b)
        case .int(let i): try single.encode(i)
        case .double(let d): try single.encode(d)
        case .string(let s): try single.encode(s)
        case .array(let items): try single.encode(items)
        case .object(let fields): try single.encode(fields)
        }
    }
}
