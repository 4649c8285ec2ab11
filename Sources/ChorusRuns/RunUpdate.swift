import ChorusGraph

/// What happens in a run, the same whichever backend runs it: decoded from
/// the local engine's events by `EngineRunDecoder` and from a LangGraph
/// server's stream by `RunStreamDecoder` (ChorusRemote). The app, `--print`,
/// `--json` and `research --jsonl` each read this and nothing else
/// (docs/run-updates.md lists every update and its JSON line).
public enum RunUpdate: Sendable, Equatable {
    /// The run started; its id as the backend names it.
    case started(runId: String)
    /// A task of the root graph started.
    case nodeStarted(RunTask)
    /// A task of the root graph ended; `error` when it failed.
    case nodeEnded(RunTask, error: String?)
    /// A token of a model's reply.
    case token(RunToken)
    /// A root task (`task`, running `node`) streams beside others in a step that fans out: its tokens now carry `branch`.
    case branchOpened(branch: String, node: String, task: String)
    /// The branches of a step are done; what streams next is the answer.
    case branchesDone
    /// A tool call started.
    case toolStarted(RunToolCall)
    /// A tool call ended.
    case toolEnded(RunToolResult)
    /// A model call or node failed and is tried again after `delay` seconds.
    case retrying(RunRetry)
    /// Token counts of one model call.
    case usage(RunUsage)
    /// The run stopped on `interrupt()` calls; answering them resumes it.
    case interrupted([RunInterrupt])
    /// A value a node wrote to the custom stream, and the root task it ran in when known.
    case custom(node: String?, task: String?, Value)
    /// Something the user should know that is not the run's output (a tool server that did not start).
    case warning(String)
    /// The stream broke off and was joined again (attempt `attempt` of at most `of`): updates may be missing.
    case rejoined(attempt: Int, of: Int, reason: String)
    /// The run ended, with the root graph's state.
    case finished(state: Value)
    /// The run failed.
    case failed(String)
}

/// A task of the root graph: its node, id and superstep.
public struct RunTask: Sendable, Equatable {
    public var node: String
    /// The task's id; two backends running the same graph give the same ids.
    public var id: String
    public var step: Int

    public init(node: String, id: String, step: Int) {
        self.node = node
        self.id = id
        self.step = step
    }
}

/// A streamed piece of a model's reply, and where it belongs.
public struct RunToken: Sendable, Equatable {
    /// Where a token belongs on screen.
    public enum Part: Sendable, Equatable {
        /// The reply (no fan-out so far).
        case reply
        /// A branch of a fan-out, named after its node (`researcher 2`).
        case branch(String)
        /// What follows a fan-out's branches (the answer a synthesizer writes).
        case answer
    }

    public var text: String
    /// The message the token belongs to; empty when the backend did not say.
    public var messageId: String
    /// The node that streamed it (inside a subgraph, the subgraph's node) and its superstep.
    public var node: String
    public var step: Int
    /// The id of the root graph's task it streamed in.
    public var task: String
    public var part: Part

    public init(text: String, messageId: String, node: String, step: Int, task: String, part: Part = .reply) {
        self.text = text
        self.messageId = messageId
        self.node = node
        self.step = step
        self.task = task
        self.part = part
    }
}

/// A failed attempt that is tried again.
public struct RunRetry: Sendable, Equatable {
    /// The node retried, or whose model call is; nil when unknown.
    public var node: String?
    /// The root task it runs in; nil when unknown.
    public var task: String?
    /// The attempt that starts next, of at most `maxAttempts`.
    public var attempt: Int
    public var maxAttempts: Int
    /// Seconds until it starts.
    public var delay: Double
    public var reason: String
    /// Whether the whole node is run again (`RetryPolicy`) rather than only its model call.
    public var wholeNode: Bool

    public init(node: String?, task: String?, attempt: Int, maxAttempts: Int, delay: Double, reason: String, wholeNode: Bool = false) {
        self.node = node
        self.task = task
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.delay = delay
        self.reason = reason
        self.wholeNode = wholeNode
    }
}

/// Token counts of one model call, as far as its provider reported them.
public struct RunUsage: Sendable, Equatable {
    public var node: String?
    /// The root task the call ran in (a research branch's), when the backend says.
    public var task: String?
    /// The prompt's tokens, cached ones included: the size of the request sent.
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Prompt tokens read from the provider's prompt cache (part of `inputTokens`).
    public var cachedInputTokens: Int?
    /// Output tokens spent reasoning (part of `outputTokens`), where the provider says.
    public var reasoningTokens: Int?
    /// The model's context window, when known (a server does not say).
    public var contextWindow: Int?
    /// What the call cost in US dollars, from the model's configured prices; nil without them (and from a server).
    public var costUSD: Double?

    public init(node: String?, task: String? = nil, inputTokens: Int?, outputTokens: Int?, cachedInputTokens: Int? = nil,
                reasoningTokens: Int? = nil, contextWindow: Int? = nil, costUSD: Double? = nil) {
        self.node = node
        self.task = task
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.reasoningTokens = reasoningTokens
        self.contextWindow = contextWindow
        self.costUSD = costUSD
    }
}

/// A pending `interrupt()`: the value it showed and its id (for resuming by id).
public struct RunInterrupt: Sendable, Equatable {
    public var value: Value
    public var id: String?

    public init(value: Value, id: String?) {
        self.value = value
        self.id = id
    }
}

/// A tool call as it starts.
public struct RunToolCall: Sendable, Equatable {
    /// Pairs the call with its `RunToolResult`.
    public var id: String
    public var name: String
    public var input: Value
    /// The root task it runs in; nil when unknown.
    public var task: String?

    public init(id: String, name: String, input: Value, task: String?) {
        self.id = id
        self.name = name
        self.input = input
        self.task = task
    }
}

/// A tool call's result.
public struct RunToolResult: Sendable, Equatable {
    public var id: String
    public var name: String
    public var output: String
    /// How long it took, when the backend timed it.
    public var seconds: Double?
    public var task: String?

    public init(id: String, name: String, output: String, seconds: Double?, task: String?) {
        self.id = id
        self.name = name
        self.output = output
        self.seconds = seconds
        self.task = task
    }
}
