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

extension ScenarioFailure: RetryClassifiedError {
    /// Python's builtin exception classes: each one's base class. Names not
    /// listed are fresh subclasses of `Exception`.
    private static let bases: [String: String] = [
        "ArithmeticError": "Exception", "FloatingPointError": "ArithmeticError", "OverflowError": "ArithmeticError",
        "ZeroDivisionError": "ArithmeticError", "AssertionError": "Exception", "AttributeError": "Exception",
        "ImportError": "Exception", "ModuleNotFoundError": "ImportError", "LookupError": "Exception",
        "IndexError": "LookupError", "KeyError": "LookupError", "NameError": "Exception", "UnboundLocalError": "NameError",
        "OSError": "Exception", "ConnectionError": "OSError", "BrokenPipeError": "ConnectionError",
        "ConnectionAbortedError": "ConnectionError", "ConnectionRefusedError": "ConnectionError",
        "ConnectionResetError": "ConnectionError", "FileExistsError": "OSError", "FileNotFoundError": "OSError",
        "PermissionError": "OSError", "TimeoutError": "OSError", "ReferenceError": "Exception", "RuntimeError": "Exception",
        "NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError", "StopIteration": "Exception",
        "StopAsyncIteration": "Exception", "SyntaxError": "Exception", "TypeError": "Exception", "ValueError": "Exception",
        "UnicodeError": "ValueError", "UnicodeDecodeError": "UnicodeError", "UnicodeEncodeError": "UnicodeError",
    ]

    /// Python's `isinstance(error, name)` over the builtin hierarchy.
    func isInstance(of name: String) -> Bool {
        var current: String? = errorType
        while let type = current {
            if type == name { return true }
            current = Self.bases[type] ?? (type == "Exception" ? nil : "Exception")
        }
        return false
    }

    /// LangGraph's `default_retry_on`: connection errors retry; the builtin
    /// programming and OS error families do not; anything else does.
    var isTransient: Bool {
        if isInstance(of: "ConnectionError") { return true }
        let permanent = ["ValueError", "TypeError", "ArithmeticError", "ImportError", "LookupError", "NameError", "SyntaxError",
                         "RuntimeError", "ReferenceError", "StopIteration", "StopAsyncIteration", "OSError"]
        return !permanent.contains(where: isInstance(of:))
    }
}
