import CNcursesw
import ChorusSupport
import ChorusTUI
import Foundation
import Glibc

/// The terminal through ncursesw. Every curses call happens on one thread
/// that reads keys (8 ms timeout) and draws the latest presented frame, so
/// a frame reaches the screen at most 8 ms after it is presented and keys
/// are never read concurrently with drawing.
public final class CursesTerminal: TerminalDevice {
    public let events: AsyncStream<TerminalEvent>
    private let continuation: AsyncStream<TerminalEvent>.Continuation
    private let outbox = Locked(Outbox())
    private let finished = Locked<CheckedContinuation<Void, Never>?>(nil)

    /// Work handed to the curses thread.
    private struct Outbox {
        var frame: Buffer?
        var clipboard: [String] = []
        var stopping = false
    }

    /// Starts curses on its own thread. Fails when stdin or stdout is not a terminal.
    public init() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else { throw NotATerminal() }
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            let screen = CursesScreen()
            ready.signal()
            runLoop(screen)
            screen.close()
            continuation.finish()
            finished.withLock { $0 }?.resume()
        }
        thread.name = "chorus-curses"
        thread.start()
        ready.wait()
        Self.forwardStopSignals(to: continuation)
    }

    /// SIGINT, SIGTERM and SIGHUP become a `.stop` event, so the app saves
    /// what is streaming and quits normally, restoring the terminal. If it
    /// has not exited `grace` later, or a second signal comes, the terminal
    /// is restored and the process exits at once.
    private static func forwardStopSignals(to events: AsyncStream<TerminalEvent>.Continuation, grace: Double = 5) {
        let first = Locked(true)
        SignalForwarder.start([SIGINT, SIGTERM, SIGHUP]) { sig in
            guard first.withLock({ isFirst in defer { isFirst = false }; return isFirst }) else {
                TerminalRestore.restoreNow()
                _exit(128 + sig)
            }
            events.yield(.stop(signal: sig))
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
                TerminalRestore.restoreNow()
                _exit(128 + sig)
            }
        }
    }

    public func present(_ buffer: Buffer) {
        outbox.withLock { $0.frame = buffer }
    }

    public func copyToClipboard(_ text: String) {
        outbox.withLock { $0.clipboard.append(text) }
    }

    /// Ends curses and gives the terminal back; returns when it is restored.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            finished.withLock { $0 = done }
            outbox.withLock { $0.stopping = true }
        }
    }

    private func runLoop(_ screen: CursesScreen) {
        continuation.yield(.resize(width: screen.width, height: screen.height))
        var paste: String?
        var closed = false
        while true {
            let work = outbox.withLock { box -> Outbox in
                let taken = box
                box.frame = nil
                box.clipboard = []
                return taken
            }
            if work.stopping { return }
            if let frame = work.frame { screen.draw(frame) }
            for text in work.clipboard { screen.writeClipboard(text) }
            guard let input = screen.read() else {
                // A closed terminal is a hangup even when SIGHUP does not come (the shell had it blocked).
                if !closed, screen.terminalClosed {
                    closed = true
                    continuation.yield(.stop(signal: SIGHUP))
                }
                // Reads on a closed terminal return at once; do not spin while the app saves and stops.
                if closed { usleep(8_000) }
                continue
            }
            switch input {
            case .code(let code) where code == KeyDecoder.pasteStart:
                paste = ""
            case .code(let code) where code == KeyDecoder.pasteEnd:
                if let text = paste { continuation.yield(.paste(text)) }
                paste = nil
            case .character(let value) where paste != nil:
                if value == 13 { paste!.append("\n") } else if let scalar = Unicode.Scalar(value) { paste!.unicodeScalars.append(scalar) }
            case .code(let code) where code == chorus_key_resize():
                screen.resized()
                continuation.yield(.resize(width: screen.width, height: screen.height))
            case .code(let code) where code == chorus_key_mouse():
                if let wheel = screen.wheel() { continuation.yield(.wheel(wheel)) }
            case .code(let code):
                if let key = KeyDecoder.key(code: code) { continuation.yield(.key(key)) }
            case .character(27):
                // Esc alone, or Alt with the character that follows at once.
                if let next = screen.readNow(), case .character(let value) = next, let key = KeyDecoder.alt(value) {
                    continuation.yield(.key(key))
                } else {
                    continuation.yield(.key(.escape))
                }
            case .character(let value):
                if let key = KeyDecoder.key(character: value) { continuation.yield(.key(key)) }
            }
        }
    }
}

/// `chorus` needs a terminal to draw on.
public struct NotATerminal: Error, CustomStringConvertible {
    public var description: String {
        "chorus: not a terminal; the chat interface needs one (for scripts use `chorus --print \"question\"` or `chorus threads list`)"
    }
}
