import Foundation

/// What `--print` asks: the question given on the command line, standard
/// input (when it is not a terminal), or both — the question with the piped
/// text attached in a fenced block.
public enum PrintInput {
    /// The most standard input `--print` reads: 1 MiB.
    public static let limit = 1 << 20

    /// The argument that means "read the question from standard input".
    public static let fromStandardInput = "-"

    /// The message to send: `argument` (nil when `--print` had no value,
    /// `"-"` for standard input) with `piped` text (nil when standard input
    /// is a terminal, already decoded by `decode`).
    public static func question(argument: String?, piped: String?) throws -> String {
        let pipedText = piped?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let given = argument == fromStandardInput ? nil : argument?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let given, !given.isEmpty else {
            guard !pipedText.isEmpty else {
                throw PrintInputError.empty(fromStandardInput: argument == nil || argument == fromStandardInput)
            }
            return pipedText
        }
        guard !pipedText.isEmpty else { return given }
        // A fence longer than any run of backticks in the text, so the text cannot close it.
        var longest = 0, run = 0
        for c in pipedText { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(given)\n\nAttached text (standard input):\n\(fence)\n\(pipedText)\n\(fence)"
    }

    /// Standard input as text: at most `limit` bytes, no NUL, valid UTF-8.
    public static func decode(_ data: Data) throws -> String {
        guard data.count <= limit else { throw PrintInputError.tooLarge }
        guard !data.contains(0) else { throw PrintInputError.binary("it contains NUL bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw PrintInputError.binary("it is not valid UTF-8") }
        return text
    }

    /// Reads standard input to its end, or one byte past `limit` (then `decode` refuses it).
    public static func readStandardInput() throws -> String {
        var data = Data()
        let handle = FileHandle.standardInput
        while data.count <= limit, let chunk = try handle.read(upToCount: limit + 1 - data.count), !chunk.isEmpty {
            data.append(chunk)
        }
        return try decode(data)
    }

    /// `--print` with no value (last, or followed by another option) reads the
    /// question from standard input: it becomes `--print -`.
    public static func normalize(arguments: [String]) -> [String] {
        var out: [String] = []
        for (i, argument) in arguments.enumerated() {
            out.append(argument)
            guard argument == "--print" else { continue }
            let hasValue = i + 1 < arguments.count && !(arguments[i + 1].hasPrefix("--") && arguments[i + 1].count > 2)
            if !hasValue { out.append(fromStandardInput) }
        }
        return out
    }
}

/// Standard input or the question cannot be used.
public enum PrintInputError: Error, CustomStringConvertible, Equatable {
    case tooLarge
    case binary(String)
    case empty(fromStandardInput: Bool)

    public var description: String {
        switch self {
        case .tooLarge:
            return "standard input is larger than 1 MiB (\(PrintInput.limit) bytes), the most --print reads"
        case .binary(let reason):
            return "standard input is not text (\(reason)); --print takes UTF-8 text of at most 1 MiB"
        case .empty(let fromStandardInput):
            return fromStandardInput ? "the question is empty: standard input had no text" : "the question is empty"
        }
    }
}
