import CNcursesw
import Glibc

/// Puts the terminal back the way it was if the process dies by a signal:
/// the saved termios and a fixed escape string (leave the alternate screen,
/// stop mouse and paste reporting, show the cursor), both async-signal-safe.
/// SIGQUIT and crash signals restore at once; SIGINT, SIGTERM and SIGHUP go
/// to the app first (see `CursesTerminal`), which saves and then restores.
enum TerminalRestore {
    // Safety of the two `nonisolated(unsafe)` globals: they are written once in
    // `install`, on the curses thread, before any handler is installed, and
    // only read afterwards (by signal handlers), so no access races a write.
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false

    static let resetSequence: [UInt8] = Array("\u{1B}[?2004l\u{1B}[?1000l\u{1B}[?1006l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n".utf8)

    /// Saves the current terminal mode and installs the handlers.
    static func install() {
        if tcgetattr(STDIN_FILENO, &saved) == 0 { hasSaved = true }
        signal(SIGQUIT, handleExit)
        for sig in [SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP] { signal(sig, handleCrash) }
    }

    /// Writes the reset sequence and restores the saved mode.
    static func restoreNow() {
        resetSequence.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if hasSaved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }
}

private func handleExit(_ sig: Int32) {
    TerminalRestore.restoreNow()
    _exit(128 + sig)
}

private func handleCrash(_ sig: Int32) {
    TerminalRestore.restoreNow()
    signal(sig, SIG_DFL)
    raise(sig)
}
