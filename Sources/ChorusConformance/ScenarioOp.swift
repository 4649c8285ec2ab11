import ChorusGraph

/// One op of a scenario node (FORMAT.md §2.2), interpreted on the engine's
/// public node API.
struct ScenarioOp: Sendable {
    let kind: String
    let fields: [String: Value]

    init(_ json: Value) throws {
        guard let o = json.objectValue, let kind = o["op"]?.stringValue else { throw ScenarioError("op without 'op': \(json)") }
        let known: Set<String> = ["set", "append", "extend", "incr", "put", "message", "emit", "llm", "interrupt", "fail", "sleep", "goto", "return"]
        guard known.contains(kind) else { throw ScenarioError("unknown op '\(kind)'") }
        self.kind = kind
        self.fields = o
    }

    private func field(_ name: String) -> Value { fields[name] ?? .null }

    static func run(_ program: [ScenarioOp], input: Value, context: NodeContext) async throws -> NodeOutput {
        let eval = ScenarioExpression(input: input, attempt: context.attempt)
        var update: [String: Value] = [:]
        for op in program {
            if let when = op.fields["when"], try !eval.holds(when) { continue }
            switch op.kind {
            case "set":
                update[try op.key()] = try eval.evaluate(op.field("value"))
            case "append":
                let key = try op.key()
                update[key] = try PythonAdd.add(update[key] ?? .array([]), .array([try eval.evaluate(op.field("value"))]))
            case "extend":
                let key = try op.key()
                update[key] = try PythonAdd.add(update[key] ?? .array([]), try eval.evaluate(op.field("values")))
            case "incr":
                let key = try op.key()
                update[key] = try PythonAdd.add(update[key] ?? .int(0), try eval.evaluate(op.fields["by"] ?? .int(1)))
            case "put":
                let key = try op.key()
                var merged = update[key]?.objectValue ?? [:]
                for (k, v) in try eval.evaluate(op.field("value")).objectValue ?? [:] { merged[k] = v }
                update[key] = .object(merged)
            case "message":
                let key = op.fields["key"]?.stringValue ?? "messages"
                var fields: [String: Value] = [
                    "role": try eval.evaluate(op.field("role")),
                    "content": try eval.evaluate(op.field("content")),
                    "id": try eval.evaluate(op.field("id")),
                ]
                if let callId = op.fields["tool_call_id"] { fields["tool_call_id"] = try eval.evaluate(callId) }
                let message = try MessageList.coerce(.object(fields))
                update[key] = .array((update[key]?.arrayValue ?? []) + [message])
            case "emit":
                context.write(custom: try eval.evaluate(op.field("value")))
            case "llm":
                let key = op.fields["key"]?.stringValue ?? "messages"
                let tokens = try eval.evaluate(op.field("tokens")).arrayValue?.map { PythonText.str($0) } ?? []
                let id = PythonText.str(try eval.evaluate(op.field("id")))
                let message = await FakeChatModel(tokens: tokens).stream(id: id, context: context)
                update[key] = .array((update[key]?.arrayValue ?? []) + [message])
            case "interrupt":
                let answer = try context.interrupt(try eval.evaluate(op.field("value")))
                if let key = op.fields["key"]?.stringValue {
                    if op.fields["mode"]?.stringValue == "append" {
                        update[key] = .array((update[key]?.arrayValue ?? []) + [answer])
                    } else {
                        update[key] = answer
                    }
                }
            case "fail":
                throw ScenarioFailure(errorType: op.fields["type"]?.stringValue ?? "Exception",
                                      raw: PythonText.str(try eval.evaluate(op.fields["message"] ?? "")))
            case "sleep":
                let ms = op.fields["ms"]?.doubleValue ?? 0
                try await Task.sleep(for: .microseconds(Int(ms * 1000)))
            case "goto":
                var routes: [Route] = []
                if let sends = op.fields["send"]?.arrayValue {
                    for s in sends {
                        guard let node = s["node"]?.stringValue else { throw ScenarioError("send without node") }
                        routes.append(.send(Send(node, try eval.evaluate(s["arg"] ?? .null))))
                    }
                } else {
                    routes = try ScenarioGraph.targets(op.field("to"))
                }
                return .command(Command(update: update.isEmpty ? nil : update, goto: routes))
            case "return":
                return .value(try eval.evaluate(op.field("value")))
            default:
                break
            }
        }
        return .update(update)
    }

    private func key() throws -> String {
        guard let key = fields["key"]?.stringValue else { throw ScenarioError("op '\(kind)' needs a 'key'") }
        return key
    }
}

/// The scenario's fake chat model: streams fixed tokens as message chunks and
/// returns the whole AI message.
struct FakeChatModel: Sendable {
    let tokens: [String]

    func stream(id: String, context: NodeContext) async -> Value {
        for (i, token) in tokens.enumerated() {
            context.emitMessageChunk(id: id, content: token, isLast: i == tokens.count - 1)
        }
        return .object(["type": "ai", "content": .string(tokens.joined()), "id": .string(id)])
    }
}
