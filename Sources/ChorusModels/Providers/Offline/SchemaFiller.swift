import ChorusGraph

/// Builds a JSON value that satisfies a JSON Schema, deterministically, from
/// a piece of text: what the offline model answers when asked for structured
/// output. Knows JSON Schema, nothing about who asks: objects get every
/// property, arrays their minimum count (else up to three, within
/// `maxItems`), strings `"<Label> <n> of: <text>"`, enums their first value.
public enum SchemaFiller {
    public static func fill(_ schema: Value, from text: String) -> Value {
        fill(schema, text: text, label: "Answer", index: 1)
    }

    private static func fill(_ schema: Value, text: String, label: String, index: Int) -> Value {
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let first = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue?.first { return fill(first, text: text, label: label, index: index) }
        switch type(of: schema) {
        case "object":
            let properties = schema["properties"]?.objectValue ?? [:]
            var object: [String: Value] = [:]
            for (name, property) in properties { object[name] = fill(property, text: text, label: propertyLabel(name), index: 1) }
            return .object(object)
        case "array":
            let low = schema["minItems"]?.intValue ?? 0
            let high = schema["maxItems"]?.intValue ?? Int.max
            let count = max(low, min(3, high))
            let items = schema["items"] ?? ["type": "string"]
            return .array((0..<count).map { fill(items, text: text, label: label, index: $0 + 1) })
        case "integer": return .int(schema["minimum"]?.intValue ?? index)
        case "number": return .double(schema["minimum"]?.doubleValue ?? Double(index))
        case "boolean": return true
        case "null": return .null
        default:
            var s = "\(label) \(index) of: \(text)"
            if let max = schema["maxLength"]?.intValue, s.count > max { s = String(s.prefix(max)) }
            if let min = schema["minLength"]?.intValue, s.count < min { s += String(repeating: ".", count: min - s.count) }
            return .string(s)
        }
    }

    /// The schema's type; the first non-null one when it lists several.
    private static func type(of schema: Value) -> String {
        if let t = schema["type"]?.stringValue { return t }
        if let list = schema["type"]?.arrayValue?.compactMap(\.stringValue) { return list.first { $0 != "null" } ?? "null" }
        return schema["properties"] != nil ? "object" : "string"
    }

    /// `"sub_questions"` → `"Sub question"`: a property name as the label of its strings.
    private static func propertyLabel(_ property: String) -> String {
        var words = property.replacingOccurrences(of: "_", with: " ").split(separator: " ").map(String.init)
        if let last = words.last, last.count > 3, last.hasSuffix("s") { words[words.count - 1] = String(last.dropLast()) }
        let text = words.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
