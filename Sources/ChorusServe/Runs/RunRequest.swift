import ChorusGraph

/// A run as a client asks for it (`runs.stream`, `runs.create`, `runs.wait`),
/// every field checked.
struct RunRequest: Sendable {
    var assistantId: String
    var input: Value?
    var command: Command?
    var configurable: [String: Value]
    var recursionLimit: Int?
    var maxConcurrency: Int?
    var tags: [String]
    var metadata: [String: Value]
    var streamModes: [WireStreamMode]
    var streamSubgraphs: Bool
    var streamResumable: Bool
    var multitaskStrategy: MultitaskStrategy
    var onDisconnect: DisconnectPolicy
    var interruptBefore: [String]
    var interruptAfter: [String]
    var checkpointId: String?
    var durability: Durability
    var createThreadIfMissing: Bool
    /// The body as sent, echoed back in the run's `kwargs`.
    var kwargs: [String: Value]

    /// What to do when a run arrives on a thread that already has one.
    enum MultitaskStrategy: String, Sendable {
        case reject, rollback, interrupt, enqueue
    }

    /// What happens to a run when its streaming client goes away.
    enum DisconnectPolicy: String, Sendable {
        case `continue`, cancel
    }

    /// When checkpoints are saved (`async` by default, as the reference).
    /// `exit` is served as `async`: saved in the background, all before the run ends.
    enum Durability: String, Sendable {
        case sync, async, exit

        var engine: RunConfig.Durability { self == .sync ? .sync : .async }
    }

    enum IfNotExists: String, Sendable {
        case create, reject
    }

    /// The body as a run journal or the PostgreSQL queue keeps it, so the run can be made again later or elsewhere.
    var stored: String { JSON.serialize(.object(kwargs), sortKeys: false) }

    /// A request as `stored` kept it.
    init(stored: String) throws {
        guard case .object(let body) = try JSON.parse(stored) else { throw APIError(.unprocessableContent, "stored run request is not an object") }
        try self.init(BodyFields(body))
    }

    /// `defaultModes` applies when the body names none (`values` for background runs).
    init(_ body: BodyFields, defaultModes: [WireStreamMode] = [.values]) throws {
        guard let assistant = try body.string("assistant_id"), !assistant.isEmpty else {
            throw APIError.invalidField("assistant_id", "a non-empty string")
        }
        assistantId = assistant
        input = body.value("input")
        if let command = try body.object("command") {
            self.command = try Self.command(command)
        }
        if input != nil, command != nil {
            throw APIError(.unprocessableContent, "Invalid request body: give 'input' or 'command', not both")
        }
        let config = BodyFields(try body.object("config") ?? [:])
        configurable = try config.object("configurable") ?? [:]
        recursionLimit = try config.int("recursion_limit", in: 1...1_000_000)
        maxConcurrency = try config.int("max_concurrency", in: 1...100_000)
        tags = try config.strings("tags") ?? []
        metadata = try body.object("metadata") ?? [:]
        streamModes = try WireStreamMode.parse(try body.strings("stream_mode") ?? defaultModes.map(\.rawValue))
        streamSubgraphs = try body.bool("stream_subgraphs") ?? false
        streamResumable = try body.bool("stream_resumable") ?? false
        multitaskStrategy = try body.choice("multitask_strategy", default: .enqueue)
        onDisconnect = try body.choice("on_disconnect", default: .continue)
        interruptBefore = try Self.breakpoints(body, "interrupt_before")
        interruptAfter = try Self.breakpoints(body, "interrupt_after")
        checkpointId = try body.string("checkpoint_id") ?? BodyFields(try body.object("checkpoint") ?? [:]).string("checkpoint_id")
        durability = try body.choice("durability", default: .async)
        createThreadIfMissing = try body.choice("if_not_exists", default: IfNotExists.reject) == .create
        kwargs = body.values
    }

    /// The engine input: new state, an answer to interrupts, a command, or none (continue).
    var runInput: RunInput {
        if let input { return .state(input) }
        if let command {
            if command.update == nil, command.goto.isEmpty, let resume = command.resume { return .resume(resume) }
            return .command(command)
        }
        return .continue
    }

    /// The engine modes the run needs: those asked for, plus `values` (the
    /// server keeps the final state for `wait` and `join`).
    var engineModes: Set<StreamMode> {
        streamModes.reduce(into: [.values]) { $0.formUnion($1.engineModes) }
    }

    private static func breakpoints(_ body: BodyFields, _ key: String) throws -> [String] {
        try body.strings(key) ?? []
    }

    private static func command(_ object: [String: Value]) throws -> Command {
        let fields = BodyFields(object)
        let update = try fields.object("update")
        var routes: [Route] = []
        if let goto = fields.value("goto") {
            for target in goto.arrayValue ?? [goto] {
                if let name = target.stringValue {
                    routes.append(.node(name))
                } else if let node = target["node"]?.stringValue {
                    routes.append(.send(Send(node, target["arg"] ?? .null)))
                } else {
                    throw APIError.invalidField("command.goto", "a node name, a Send {node, arg} or a list of them")
                }
            }
        }
        guard update != nil || !routes.isEmpty || object["resume"] != nil else {
            throw APIError(.unprocessableContent, "Invalid request body: 'command' needs 'resume', 'update' or 'goto'")
        }
        return Command(update: update, goto: routes, resume: object["resume"])
    }
}
