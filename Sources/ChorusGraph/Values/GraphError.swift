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
            "At key '\(key)': Can receive only one value per step. Use an Annotated key to handle multiple values.\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/INVALID_CONCURRENT_GRAPH_UPDATE"
        )
    }

    static let recursionLimitBelowOne = GraphError(.valueError, "recursion_limit must be at least 1")

    static func recursion(limit: Int) -> GraphError {
        GraphError(
            .recursionLimit,
            "Recursion limit of \(limit) reached without hitting a stop condition. You can increase the limit by setting the `recursion_limit` config key.\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/GRAPH_RECURSION_LIMIT"
        )
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
    public var errorRepr: String { "\(kind.rawValue)(\(PythonRepr.string(message)))" }
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
        (error as? NamedError)?.errorRepr ?? "\(type(of: error))(\(PythonRepr.string(message(of: error))))"
    }
}

/// Python's `repr()` of a string, so stored task errors read as LangGraph's do.
public enum PythonRepr {
    public static func string(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(ch) == quote {
                    out += "\\\(quote)"
                } else if ch.value < 0x20 || ch.value == 0x7F {
                    let hex = String(ch.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        out.append(quote)
        return out
    }
}
