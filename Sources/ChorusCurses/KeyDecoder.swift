import CNcursesw
import ChorusTUI

/// Turns what `wget_wch` returns into keys. Pure apart from `keyname`, so the
/// mapping is one table.
enum KeyDecoder {
    /// Key codes we define for bracketed paste's start and end markers.
    static let pasteStart: Int32 = KEY_MAX + 1
    static let pasteEnd: Int32 = KEY_MAX + 2

    /// A function key or special key code.
    static func key(code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
        default: break
        }
        // Extended keys (Ctrl-arrows) have names like kLFT5 in terminfo.
        guard let raw = keyname(code) else { return nil }
        switch String(cString: raw) {
        case "kLFT5": return .ctrlLeft
        case "kRIT5": return .ctrlRight
        case "kUP5": return .ctrlUp
        case "kDN5": return .ctrlDown
        case "kLFT3": return .alt("b")
        case "kRIT3": return .alt("f")
        default: return nil
        }
    }

    /// A character read as text; `27` (Esc) is handled by the caller.
    static func key(character value: UInt32) -> Key? {
        switch value {
        case 13: return .enter
        case 10: return .ctrl("j")
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(value + 96)!))
        case 0, 27...31: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Esc followed at once by another character is Alt with that character.
    static func alt(_ value: UInt32) -> Key? {
        if value == 13 || value == 10 { return .altEnter }
        guard value >= 32, let scalar = Unicode.Scalar(value) else { return nil }
        return .alt(Character(scalar))
    }
}
