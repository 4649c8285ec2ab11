import ChorusGraph

/// Reads the common OpenAI stream chunk — `choices[0].delta.content` and
/// `choices[0].finish_reason` — in one pass without building a JSON tree.
/// Anything else it meets (tool calls, usage, errors, unusual shapes) makes it
/// give up, and the caller parses the chunk fully. Only a speed-up: both paths
/// give the same result.
struct OpenAIDeltaScanner {
    struct Delta {
        var content: String?
        var finishReason: String?
    }

    private let bytes: [UInt8]
    private var i = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func scan(_ text: String) -> Delta? {
        var scanner = OpenAIDeltaScanner(Array(text.utf8))
        return scanner.topLevel()
    }

    /// Keys whose non-null value only the full parser handles. A switch,
    /// not a `Set`: hashing every key of every chunk cost more than the scan.
    private static func needsFullParser(_ key: String) -> Bool {
        switch key {
        case "tool_calls", "usage", "error", "function_call", "refusal": return true
        default: return false
        }
    }

    private mutating func topLevel() -> Delta? {
        var delta = Delta()
        var sawChoices = false
        guard object({ key, scanner in
            if Self.needsFullParser(key) { return scanner.isNull() ? scanner.skip() : false }
            if key == "choices" {
                sawChoices = true
                return scanner.choices(&delta)
            }
            return scanner.skip()
        }) else { return nil }
        skipSpace()
        return sawChoices && i == bytes.count ? delta : nil
    }

    private mutating func choices(_ delta: inout Delta) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return false }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return true }
        var first = true
        while true {
            if first {
                var local = delta
                guard object({ key, scanner in
                    switch key {
                    case "delta":
                        return scanner.object { k, s in
                            if Self.needsFullParser(k) { return s.isNull() ? s.skip() : false }
                            if k == "content" {
                                if s.isNull() { return s.skip() }
                                guard let text = s.string() else { return false }
                                local.content = text
                                return true
                            }
                            return s.skip()
                        }
                    case "finish_reason":
                        if scanner.isNull() { return scanner.skip() }
                        guard let reason = scanner.string() else { return false }
                        local.finishReason = reason
                        return true
                    default:
                        return Self.needsFullParser(key) ? false : scanner.skip()
                    }
                }) else { return false }
                delta = local
                first = false
            } else {
                return false  // several choices: leave it to the full parser
            }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return true }
            if bytes[i] != UInt8(ascii: ",") { return false }
            i += 1
        }
    }

    /// Walks an object, handing each key to `field`, which must consume the value.
    private mutating func object(_ field: (String, inout OpenAIDeltaScanner) -> Bool) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return true }
        while true {
            skipSpace()
            guard let key = string() else { return false }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            guard field(key, &self) else { return false }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return true }
            if bytes[i] != UInt8(ascii: ",") { return false }
            i += 1
        }
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func isNull() -> Bool {
        i + 4 <= bytes.count && bytes[i] == UInt8(ascii: "n") && bytes[i + 1] == UInt8(ascii: "u")
    }

    /// A string without escapes; escapes go to the full parser.
    private mutating func string() -> String? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        var ascii = true
        while j < bytes.count {
            let c = bytes[j]
            if c == UInt8(ascii: "\"") {
                i = j + 1
                return ascii ? String(decoding: bytes[start..<j], as: UTF8.self) : String(validating: bytes[start..<j], as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            if c >= 0x80 { ascii = false }
            j += 1
        }
        return nil
    }

    /// Skips any value, checking only its outline; strings with escapes are skipped correctly.
    private mutating func skip() -> Bool {
        skipSpace()
        guard i < bytes.count else { return false }
        var depth = 0
        repeat {
            guard i < bytes.count else { return false }
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return true }
                depth -= 1
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                guard i < bytes.count else { return false }
                i += 1
            case UInt8(ascii: ","):
                if depth == 0 { return true }
                i += 1
            default:
                i += 1
            }
        } while depth > 0 || !(i < bytes.count && (bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "}") || bytes[i] == UInt8(ascii: "]")))
        return true
    }
}
