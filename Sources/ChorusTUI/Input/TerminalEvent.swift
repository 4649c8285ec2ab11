/// What the terminal reports: keys, pasted text, new sizes, wheel turns.
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    /// Text pasted with bracketed paste, delivered whole.
    case paste(String)
    case resize(width: Int, height: Int)
    /// Mouse wheel: negative is up.
    case wheel(Int)
    /// The process was asked to stop (SIGTERM, SIGHUP when the terminal
    /// closes, SIGINT): save what is in flight and quit.
    case stop(signal: Int32)
}
