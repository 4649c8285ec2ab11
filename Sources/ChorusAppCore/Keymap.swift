import ChorusTUI

/// Which key runs which action. Defaults follow docs/chat.md; `[keys]` in
/// config.toml rebinds any action (`new_thread = "ctrl-t"` or a list).
public struct Keymap: Sendable, Equatable {
    public private(set) var actions: [Key: Action]

    public static let defaults: [Action: [String]] = [
        .send: ["enter"], .newline: ["ctrl-j", "alt-enter"], .cancel: ["esc"], .newThread: ["ctrl-t"],
        .nextThread: ["ctrl-n"], .previousThread: ["ctrl-p"], .quickSwitcher: ["ctrl-k"], .toggleThreadList: ["ctrl-b"],
        .searchThreads: ["ctrl-f"], .help: ["f1"], .quit: ["ctrl-q"], .regenerate: ["ctrl-r"], .editLast: ["alt-e"],
        .copyMode: ["ctrl-y"], .nextTheme: ["f5", "alt-t"], .pickModel: ["ctrl-o"], .focusThreadList: ["tab"],
        .toggleToolDetails: ["ctrl-g"], .pickTools: ["alt-o"],
        .scrollUp: ["pgup"], .scrollDown: ["pgdn"], .scrollTop: ["ctrl-up"], .scrollBottom: ["ctrl-down"],
        .thread1: ["alt-1"], .thread2: ["alt-2"], .thread3: ["alt-3"], .thread4: ["alt-4"], .thread5: ["alt-5"],
        .thread6: ["alt-6"], .thread7: ["alt-7"], .thread8: ["alt-8"], .thread9: ["alt-9"],
    ]

    /// The defaults with `overrides` (action name → key names) applied; an
    /// overridden action loses its default keys.
    public init(overrides: [String: [String]] = [:]) throws {
        var map: [Key: Action] = [:]
        func bind(_ action: Action, _ names: [String]) throws {
            for name in names {
                guard let key = Key(binding: name) else {
                    throw KeymapError("[keys] \(action.rawValue): '\(name)' is not a key (try ctrl-x, alt-x, f1, enter, esc, pgup)")
                }
                map[key] = action
            }
        }
        for action in Action.allCases where overrides[action.rawValue] == nil { try bind(action, Self.defaults[action] ?? []) }
        // Overrides last: a key the user binds wins over a default.
        for (name, keys) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = Action(rawValue: name) else {
                throw KeymapError("unknown action '\(name)' in [keys]; actions: \(Action.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try bind(action, keys)
        }
        actions = map
    }

    public func action(for key: Key) -> Action? { actions[key] }

    /// Keys bound to `action`, for the help overlay.
    public func keys(for action: Action) -> [Key] {
        actions.filter { $0.value == action }.map(\.key).sorted { $0.label < $1.label }
    }
}

/// A `[keys]` entry that names no action or no key.
public struct KeymapError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
