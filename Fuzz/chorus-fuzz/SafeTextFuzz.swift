import ChorusTUI

/// `SafeText` on any text: the result has no C0, DEL or C1 control (so no
/// ESC); only LF survives, and only when newlines are kept.
func fuzzSafeText(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    for keepNewlines in [true, false] {
        for scalar in SafeText.sanitize(text, keepNewlines: keepNewlines).unicodeScalars {
            let v = scalar.value
            let control = v < 0x20 || v == 0x7F || (0x80..<0xA0).contains(v)
            precondition(!control || (keepNewlines && v == 0x0A), "SafeText kept U+\(String(v, radix: 16)) (keepNewlines: \(keepNewlines))")
        }
    }
}
