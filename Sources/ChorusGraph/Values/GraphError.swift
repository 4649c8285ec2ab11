/// An error raised by the engine itself, named after LangGraph's exception
/// classes so that programs and the conformance runner can tell them apart.
public struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, spelled as LangGraph spells the exception.
    public enum Kind: String, Sendable {
        case invalidUpdate = "InvalidUpdateError"
        case recursionLimit = "GraphRecursionError"
        case emptyInput = "EmptyInputError"
        case typeError = "TypeError"
        case valueError = "ValueError"
        case runtime = "RuntimeError"
        case invalidGraph = "InvalidGraphError"
        case notImplemented = "NotImplementedError"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    static func concurrentUpdate(key: String) -> GraphError {
        GraphError(
            .invalidUpdate,
            troubleshooting: "At key '\(key)': Can receive only one value per step. Use an Annotated key to handle multiple values.",
            code: "INVALID_CONCURRENT_GRAPH_UPDATE"
        )
    }

    static func recursion(limit: Int) -> GraphError {
        GraphError(
            .recursionLimit,
            troubleshooting: "Recursion limit of \(limit) reached without hitting a stop condition. You can increase the limit by setting the `recursion_limit` config key.",
            code: "GRAPH_RECURSION_LIMIT"
        )
    }

    /// A node (or the input) gave `value` where an update object belongs;
    /// the value reads as Python's `str()`, as in LangGraph.
    static func invalidNodeReturn(_ value: Value) -> GraphError {
        GraphError(.invalidUpdate, troubleshooting: "Expected dict, got \(PythonText.str(value))", code: "INVALID_GRAPH_NODE_RETURN_VALUE")
    }

    static let recursionLimitBelowOne = GraphError(.valueError, "recursion_limit must be at least 1")

    /// `message` followed by LangGraph's troubleshooting line for an error code.
    /// A message `add_messages` cannot read, as LangChain's `convert_to_messages`
    /// words it (its troubleshooting line ends with a space).
    static func messageCoercion(_ kind: Kind, _ message: String) -> GraphError {
        GraphError(kind, "\(message)\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langchain/errors/MESSAGE_COERCION_FAILURE ")
    }

    private init(_ kind: Kind, troubleshooting message: String, code: String) {
        self.init(kind, "\(message)\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/\(code)")
    }
}

/// An error a node may throw to report a named failure (e.g. a tool's own
/// error class); the engine keeps its name and message in checkpoints and
/// stream events.
public protocol NamedError: Error {
    /// Class name, e.g. `"ToolFailure"`.
    var errorType: String { get }
    /// Human-readable message, e.g. `"tool exploded"`.
    var errorMessage: String { get }
    /// Representation stored with a failed task, e.g. `ToolFailure('tool exploded')`.
    var errorRepr: String { get }
}

extension GraphError: NamedError {
    public var errorType: String { kind.rawValue }
    public var errorMessage: String { message }
    public var errorRepr: String { "\(kind.rawValue)(\(PythonText.repr(message)))" }
}

/// Names and messages of any error, through `NamedError` when it conforms.
public enum ErrorReport {
    public static func type(of error: any Error) -> String {
        (error as? NamedError)?.errorType ?? String(describing: Swift.type(of: error))
    }
    public static func message(of error: any Error) -> String {
        (error as? NamedError)?.errorMessage ?? String(describing: error)
    }
    public static func repr(of error: any Error) -> String {
        (error as? NamedError)?.errorRepr ?? "\(type(of: error))(\(PythonText.repr(message(of: error))))"
    }
}
