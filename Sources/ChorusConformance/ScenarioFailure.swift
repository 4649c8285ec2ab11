import ChorusGraph

/// The exception a `fail` op raises: Python builtins keep their semantics
/// (`KeyError` quotes its message), any other name is a fresh exception class.
struct ScenarioFailure: NamedError, Sendable {
    let errorType: String
    let raw: String

    /// Python names that are aliases of another builtin class.
    static let aliases = ["IOError": "OSError", "EnvironmentError": "OSError"]

    init(errorType: String, raw: String) {
        self.errorType = Self.aliases[errorType] ?? errorType
        self.raw = raw
    }

    var errorMessage: String { errorType == "KeyError" ? PythonText.repr(raw) : raw }
    var errorRepr: String { "\(errorType)(\(PythonText.repr(raw)))" }
}
