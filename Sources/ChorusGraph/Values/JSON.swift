/// A strict JSON reader and writer for `Value` (RFC 8259), with no Foundation
/// round trip so integers stay integers and output is byte-stable.
public enum JSON {
    /// A parse failure with the byte offset where it happened.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Parses one JSON document (surrounding whitespace allowed).
    public static func parse(_ text: String) throws(ParseError) -> Value {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.parseDocument()
        return value
    }

    /// Parses one JSON document from raw UTF-8 bytes.
    public static func parse(bytes: [UInt8]) throws(ParseError) -> Value {
        var parser = Parser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// Serializes compactly; object keys sorted so equal values give equal text.
    public static func serialize(_ value: Value, sortKeys: Bool = true) -> String {
        var out = ""
        write(value, into: &out, sortKeys: sortKeys)
        return out
    }

    static func write(_ value: Value, into out: inout String, sortKeys: Bool) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e16 {
                    out += String(Int(d)) + ".0"
                } else {
                    out += String(d)
                }
            } else {
                out += "null"
            }
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out, sortKeys: sortKeys)
            }
            out += "]"
        case .object(let o) where sortKeys:
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                writeString(k, into: &out)
                out += ":"
                write(o[k]!, into: &out, sortKeys: true)
            }
            out += "}"
        case .object(let o):
            writeObject(o, into: &out) { v, out in write(v, into: &out, sortKeys: false) }
        }
    }

    /// A map of integers as a compact JSON object, keys in no particular
    /// order, without building a `Value` first (checkpoint bookkeeping).
    public static func serialize(_ map: [String: Int]) -> String {
        var out = ""
        writeObject(map, into: &out) { v, out in out += String(v) }
        return out
    }

    /// A map of strings as a compact JSON object, keys in no particular order.
    public static func serialize(_ map: [String: String]) -> String {
        var out = ""
        writeObject(map, into: &out) { v, out in writeString(v, into: &out) }
        return out
    }

    /// A map of maps of integers as a compact JSON object, keys in no particular order.
    public static func serialize(_ map: [String: [String: Int]]) -> String {
        var out = ""
        writeObject(map, into: &out) { inner, out in
            writeObject(inner, into: &out) { v, out in out += String(v) }
        }
        return out
    }

    /// `{"key":value,…}` in the map's own order; `writeValue` writes each value.
    private static func writeObject<V>(_ map: [String: V], into out: inout String, _ writeValue: (V, inout String) -> Void) {
        out += "{"
        var first = true
        for (k, v) in map {
            if !first { out += "," }
            first = false
            writeString(k, into: &out)
            out += ":"
            writeValue(v, &out)
        }
        out += "}"
    }

    static func writeString(_ s: String, into out: inout String) {
        var plain = true
        for byte in s.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        // Runs between escapes are appended whole (escapes are ASCII, so every cut is a scalar boundary).
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let byte = utf8[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out += s[runStart..<i]
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                default:
                    let hex = String(byte, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                runStart = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        out += s[runStart..<utf8.endIndex]
        out += "\""
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseDocument() throws(ParseError) -> Value {
            skipWhitespace()
            let value = try parseValue()
            skipWhitespace()
            if index != bytes.count { throw fail("trailing characters") }
            return value
        }

        func fail(_ reason: String) -> ParseError { ParseError(offset: index, reason: reason) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws(ParseError) -> Value {
            guard index < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return try parseNumber()
            }
        }

        mutating func expect(_ word: String) throws(ParseError) {
            for b in word.utf8 {
                guard index < bytes.count, bytes[index] == b else { throw fail("expected \(word)") }
                index += 1
            }
        }

        mutating func parseObject() throws(ParseError) -> Value {
            depth += 1
            if depth > 512 { throw fail("nesting too deep") }
            defer { depth -= 1 }
            index += 1
            var object: [String: Value] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipWhitespace()
                object[key] = try parseValue()
                skipWhitespace()
                guard index < bytes.count else { throw fail("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func parseArray() throws(ParseError) -> Value {
            depth += 1
            if depth > 512 { throw fail("nesting too deep") }
            defer { depth -= 1 }
            index += 1
            var array: [Value] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(array)
            }
            while true {
                skipWhitespace()
                array.append(try parseValue())
                skipWhitespace()
                guard index < bytes.count else { throw fail("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(array) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func parseHex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("bad hex digit")
                }
                v = v * 16 + d
                index += 1
            }
            return v
        }

        mutating func parseString() throws(ParseError) -> String {
            index += 1
            // Fast path: no escapes, so the text is the bytes up to the closing quote.
            let start = index
            var ascii = true
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\"") {
                    let text = bytes[start..<index]
                    index += 1
                    if ascii { return String(decoding: text, as: UTF8.self) }
                    guard let s = String(validating: text, as: UTF8.self) else { throw fail("invalid UTF-8") }
                    return s
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { break }
                if c >= 0x80 { ascii = false }
                index += 1
            }
            index = start
            var buffer: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let c = bytes[index]
                if c == UInt8(ascii: "\"") {
                    index += 1
                    break
                }
                if c < 0x20 { throw fail("control character in string") }
                if c != UInt8(ascii: "\\") {
                    buffer.append(c)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail("lone surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("bad surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("bad unicode escape") }
                    buffer.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("bad escape")
                }
            }
            guard let s = String(validating: buffer, as: UTF8.self) else { throw fail("invalid UTF-8") }
            return s
        }

        mutating func parseNumber() throws(ParseError) -> Value {
            let start = index
            var isFloat = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw fail("unexpected character") }
            while index < bytes.count {
                let c = bytes[index]
                if (0x30...0x39).contains(c) {
                    index += 1
                } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                    || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
                {
                    isFloat = true
                    index += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if !isFloat, let i = Int(text) { return .int(i) }
            guard let d = Double(text) else { throw ParseError(offset: start, reason: "bad number") }
            // Beyond Double's range: infinity has no JSON form, so it could not be written back.
            guard d.isFinite else { throw ParseError(offset: start, reason: "number out of range") }
            return .double(d)
        }
    }
}
