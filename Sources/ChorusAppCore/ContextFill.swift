/// How much of a model's context window a thread's conversation takes: the
/// last model call's prompt and reply tokens, over the window when known.
public struct ContextFill: Sendable, Equatable {
    public var used: Int
    public var window: Int?

    public init(used: Int, window: Int?) {
        self.used = used
        self.window = window
    }

    /// `ctx 812/1.0k (79%)`, or `ctx 812 tok` without a window.
    var label: String {
        guard let window, window > 0 else { return "ctx \(Self.short(used)) tok" }
        return "ctx \(Self.short(used))/\(Self.short(window)) (\(min(999, used * 100 / window))%)"
    }

    /// 812, 1.2k, 128k.
    static func short(_ n: Int) -> String {
        if n < 1_000 { return "\(n)" }
        if n < 10_000 { return String(format: "%.1fk", Double(n) / 1_000) }
        return "\(n / 1_000)k"
    }
}
