import ChorusGraph

/// The exception a `fail` op raises: Python builtins keep their semantics
/// (`KeyError` quotes its message), any other name is a fresh exception class.
struct ScenarioFailure: NamedError, Sendable {
    let errorType: String
    let raw: String

    var errorMessage: String { errorType == "KeyError" ? PythonRepr.string(raw) : raw }
    var errorRepr: String { "\(errorType)(\(PythonRepr.string(raw)))" }
}
