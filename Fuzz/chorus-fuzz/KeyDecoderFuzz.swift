@testable import ChorusCurses

/// The pure part of the key decoder (characters and Alt-characters as
/// `wget_wch` returns them; function-key codes need curses' `keyname`) on any
/// values, read as little-endian 32-bit words: never crashes.
func fuzzKeyDecoder(_ bytes: [UInt8]) {
    var i = 0
    while i + 4 <= bytes.count {
        let value = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        _ = KeyDecoder.key(character: value)
        _ = KeyDecoder.alt(value)
        i += 4
    }
}
