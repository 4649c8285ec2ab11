import ChorusGraph

/// Structured output: ask for a reply that is one JSON value following a
/// JSON Schema. OpenAI-compatible servers get `response_format` (json_schema),
/// Ollama `format`, Anthropic an instruction in the system prompt.
public struct ResponseFormat: Sendable, Equatable {
    /// A short name for the schema (OpenAI requires one).
    public var name: String
    /// The JSON Schema the reply must follow.
    public var schema: Value

    public init(name: String, schema: Value) {
        self.name = name
        self.schema = schema
    }

    /// The instruction for providers without a structured-output field.
    public var instruction: String {
        "Reply with only one JSON value, no other text and no code fence, that follows this JSON Schema: "
            + JSON.serialize(schema)
    }
}
