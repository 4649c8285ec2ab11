import ChorusGraph
import Foundation

/// A request's JSON object, read field by field with its type checked: a
/// wrong type is a 422 naming the field. `null` reads as absent.
struct BodyFields: Sendable {
    let values: [String: Value]

    init(_ values: [String: Value]) {
        self.values = values
    }

    func value(_ key: String) -> Value? {
        guard let v = values[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw APIError.invalidField(key, "a string") }
        return s
    }

    func int(_ key: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard case .int(let i) = v, range?.contains(i) ?? true else {
            throw APIError.invalidField(key, range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer")
        }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw APIError.invalidField(key, "a boolean") }
        return b
    }

    func object(_ key: String) throws -> [String: Value]? {
        guard let v = value(key) else { return nil }
        guard let o = v.objectValue else { throw APIError.invalidField(key, "an object") }
        return o
    }

    /// A string or a list of strings, as `stream_mode` and `interrupt_before` are given.
    func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        if let s = v.stringValue { return [s] }
        guard let list = v.arrayValue else { throw APIError.invalidField(key, "a string or a list of strings") }
        return try list.map { item in
            guard let s = item.stringValue else { throw APIError.invalidField(key, "a string or a list of strings") }
            return s
        }
    }

    /// One of `allowed` (the default when absent).
    func choice<T: RawRepresentable>(_ key: String, default fallback: T) throws -> T where T.RawValue == String {
        guard let s = try string(key) else { return fallback }
        guard let choice = T(rawValue: s) else { throw APIError.invalidField(key, "a known value, not '\(s)'") }
        return choice
    }

    /// A field that must hold a UUID.
    func uuid(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard WireID.isUUID(s) else { throw APIError.invalidField(key, "a UUID") }
        return s.lowercased()
    }
}

/// Checks on ids that arrive in paths and bodies.
enum WireID {
    static func isUUID(_ text: String) -> Bool {
        text.count == 36 && UUID(uuidString: text) != nil
    }
}
