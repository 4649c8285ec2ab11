import ChorusGraph

/// What to start on a thread with `POST /threads/{id}/runs/stream`.
public struct RunStreamRequest: Sendable {
    /// How the run starts: new input, the answer to a pending `interrupt()`, or neither (go on).
    public enum Start: Sendable {
        case input(Value)
        case resume(Value)
        case proceed
    }

    /// Graph name or assistant id.
    public var assistant: String
    public var start: Start
    /// `config.configurable`.
    public var configurable: [String: Value]
    /// Tokens, node updates (which carry interrupts), state after each step, and custom output.
    public var modes: [String] = ["messages-tuple", "updates", "values", "custom"]

    public init(assistant: String, start: Start, configurable: [String: Value] = [:]) {
        self.assistant = assistant
        self.start = start
        self.configurable = configurable
    }

    /// The JSON body: subgraphs streamed, resumable so a broken stream can be re-joined.
    var body: Value {
        var body: [String: Value] = [
            "assistant_id": .string(assistant), "stream_mode": .array(modes.map(Value.string)),
            "stream_subgraphs": true, "stream_resumable": true, "on_disconnect": "continue",
        ]
        switch start {
        case .input(let input): body["input"] = input
        case .resume(let value): body["command"] = .object(["resume": value])
        case .proceed: body["input"] = .null
        }
        if !configurable.isEmpty { body["config"] = .object(["configurable": .object(configurable)]) }
        return .object(body)
    }
}
