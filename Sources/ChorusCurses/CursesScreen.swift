import CNcursesw
import ChorusTUI
import Foundation
import Glibc

/// Curses itself: set-up, drawing a frame's changed cells, reading input,
/// tear-down. Used only from the curses thread.
final class CursesScreen {
    private(set) var width = 0
    private(set) var height = 0
    private var previous: Buffer?
    private let palette: ColorPalette

    /// What one read returned.
    enum Input { case character(UInt32), code(Int32) }

    init() {
        if setlocale(LC_ALL, "") == nil || !String(cString: nl_langinfo(Int32(CODESET))).uppercased().contains("UTF") {
            setlocale(LC_ALL, "C.UTF-8")
        }
        TerminalRestore.install()
        set_escdelay(25)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(chorus_stdscr(), true)
        wtimeout(chorus_stdscr(), 8)
        mousemask(chorus_wheel_up() | chorus_wheel_down(), nil)
        mouseinterval(0)
        define_key("\u{1B}[200~", KeyDecoder.pasteStart)
        define_key("\u{1B}[201~", KeyDecoder.pasteEnd)
        palette = ColorPalette()
        writeRaw("\u{1B}[?2004h")
        resized()
    }

    func close() {
        writeRaw("\u{1B}[?2004l")
        endwin()
        TerminalRestore.restoreNow()
    }

    func resized() {
        width = Int(getmaxx(chorus_stdscr()))
        height = Int(getmaxy(chorus_stdscr()))
        previous = nil
    }

    /// Draws the cells of `frame` that changed since the last frame.
    func draw(_ frame: Buffer) {
        guard frame.width == width, frame.height == height else { return }
        let diff = BufferDiff(from: previous, to: frame)
        if diff.isFull { werase(chorus_stdscr()) }
        for run in diff.runs {
            let (attrs, pair) = palette.attributes(for: run.style)
            chorus_attr_set(attrs, pair)
            var wide = run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            // Writing the bottom-right cell returns ERR after drawing it; that is expected.
            _ = mvaddwstr(Int32(run.y), Int32(run.x), wide)
        }
        chorus_attr_set(0, 0)
        if let cursor = frame.cursor {
            curs_set(1)
            wmove(chorus_stdscr(), Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(chorus_stdscr())
        previous = frame
    }

    /// One key or character, or nil after the 8 ms timeout.
    func read() -> Input? {
        var value: wint_t = 0
        let rc = chorus_get_wch(&value)
        if rc == chorus_err() { return nil }
        return rc == chorus_key_code_yes() ? .code(Int32(value)) : .character(UInt32(value))
    }

    /// A character that is already waiting, without blocking.
    /// Whether the terminal has gone (its window closed): a hung-up terminal
    /// answers every request about its mode with EIO.
    var terminalClosed: Bool {
        var mode = termios()
        return tcgetattr(STDIN_FILENO, &mode) != 0 && errno == EIO
    }

    func readNow() -> Input? {
        wtimeout(chorus_stdscr(), 0)
        defer { wtimeout(chorus_stdscr(), 8) }
        return read()
    }

    /// -3 or 3 lines for a wheel turn, nil for other mouse events.
    func wheel() -> Int? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        if event.bstate & chorus_wheel_up() != 0 { return -3 }
        if chorus_wheel_down() != 0, event.bstate & chorus_wheel_down() != 0 { return 3 }
        return nil
    }

    /// OSC 52: the terminal (or tmux) puts `text` on the clipboard.
    func writeClipboard(_ text: String) {
        writeRaw("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}")
    }

    private func writeRaw(_ text: String) {
        fflush(nil)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
