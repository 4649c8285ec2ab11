/// A terminal the app draws on: a stream of input events and a place to
/// present frames. The curses layer is one; tests use an in-memory one.
public protocol TerminalDevice: Sendable {
    /// Keys, pastes, resizes and wheel turns, starting with the current size.
    var events: AsyncStream<TerminalEvent> { get }
    /// Shows `buffer`; the terminal draws only what changed since the last frame.
    func present(_ buffer: Buffer)
    /// Puts `text` on the system clipboard with OSC 52, where the terminal allows it.
    func copyToClipboard(_ text: String)
}
