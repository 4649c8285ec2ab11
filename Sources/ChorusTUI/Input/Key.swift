import Foundation

/// A key the user pressed, decoded by the terminal layer.
public enum Key: Sendable, Hashable {
    case character(Character)
    /// Ctrl with a letter (`ctrl("a")` is Ctrl-A).
    case ctrl(Character)
    /// Alt (Meta) with a character.
    case alt(Character)
    case enter, altEnter, tab, backTab, backspace, delete, escape
    case up, down, left, right, home, end, pageUp, pageDown, insert
    case ctrlLeft, ctrlRight, ctrlUp, ctrlDown
    case function(Int)

    /// Parses a binding such as `ctrl-t`, `alt-1`, `f1`, `enter`, `pgup`, `?`.
    public init?(binding text: String) {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        func single(_ s: Substring) -> Character? { s.count == 1 ? s.first : nil }
        if t.hasPrefix("ctrl-") || t.hasPrefix("c-") {
            let rest = t.drop { $0 != "-" }.dropFirst()
            switch rest {
            case "left": self = .ctrlLeft
            case "right": self = .ctrlRight
            case "up": self = .ctrlUp
            case "down": self = .ctrlDown
            default:
                guard let ch = single(rest), ch.isLetter || "[]\\^_".contains(ch) else { return nil }
                self = .ctrl(ch)
            }
            return
        }
        if t.hasPrefix("alt-") || t.hasPrefix("m-") {
            let rest = t.drop { $0 != "-" }.dropFirst()
            if rest == "enter" { self = .altEnter; return }
            guard let ch = single(rest) else { return nil }
            self = .alt(ch)
            return
        }
        if t.hasPrefix("f"), let n = Int(t.dropFirst()), (1...12).contains(n) { self = .function(n); return }
        switch t {
        case "enter", "return": self = .enter
        case "tab": self = .tab
        case "shift-tab", "backtab": self = .backTab
        case "backspace": self = .backspace
        case "delete", "del": self = .delete
        case "esc", "escape": self = .escape
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "home": self = .home
        case "end": self = .end
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        case "space": self = .character(" ")
        default:
            guard let ch = single(Substring(text)) else { return nil }
            self = .character(ch)
        }
    }

    /// How the help overlay writes the key: `Ctrl-T`, `Alt-1`, `F1`, `Enter`.
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .alt(let c): return "Alt-" + String(c)
        case .enter: return "Enter"
        case .altEnter: return "Alt-Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .escape: return "Esc"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Insert"
        case .ctrlLeft: return "Ctrl-Left"
        case .ctrlRight: return "Ctrl-Right"
        case .ctrlUp: return "Ctrl-Up"
        case .ctrlDown: return "Ctrl-Down"
        case .function(let n): return "F\(n)"
        }
    }
}
