import TOMLKit

/// Reads the TOML of config and theme files; every failure is a
/// `ConfigError` naming the file and, when known, the line.
public enum TOMLText {
    /// The file's table; throws a `ConfigError` for text that is not TOML.
    public static func table(_ text: String, path: String) throws -> TOMLTable {
        try checkTableHeaders(text, path: path)
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(path: path, line: error.source.begin.line, message: error.description)
        }
    }

    /// toml++ (inside TOMLKit) asserts, aborting the app, when a table
    /// header's name starts with a character that cannot start a key (`[é]`,
    /// `[` alone), so such lines are refused before it reads them. A nested
    /// array opening a line inside a multi-line array (`[{…}]`, `[+1]`) is
    /// refused too; no config or theme has one.
    private static func checkTableHeaders(_ text: String, path: String) throws {
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var rest = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if let c = rest.first, "]\"'_-".contains(c) || (c.isASCII && (c.isLetter || c.isNumber)) { continue }
            throw ConfigError(path: path, line: index + 1, message: "a table name must start with a letter, a digit, '_', '-' or a quote")
        }
    }
}
