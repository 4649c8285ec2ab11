/// Text from a model, a title or a file, made safe to draw: escape sequences
/// (CSI, OSC such as `ESC]52;…` clipboard writes, DCS, APC, PM, SOS) are
/// removed whole, other control characters are dropped or shown as spaces,
/// so nothing a model writes can move the cursor, clear the screen or reach
/// the clipboard.
public enum SafeText {
    /// Keeps newlines (and tabs as spaces, when `keepNewlines`); removes every other control.
    public static func sanitize(_ text: String, keepNewlines: Bool = true) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        while let s = next() {
            switch s.value {
            case 0x1B:
                skipEscape(&scalars, pending: &pending)
            case 0x9B:
                skipCSI(&scalars)
            case 0x90, 0x9D, 0x98, 0x9E, 0x9F:
                skipString(&scalars)
            case 0x0A:
                if keepNewlines { out.append(s) } else { out.append(" ") }
            case 0x09:
                out.append(" ")
            case 0x0D:
                if keepNewlines {
                    // CRLF becomes LF; a lone CR (used to overwrite a line) becomes LF too.
                    let following = scalars.next()
                    out.append("\n")
                    if let following, following.value != 0x0A { pending = following }
                } else {
                    out.append(" ")
                }
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                continue
            default:
                out.append(s)
            }
        }
        return String(out)
    }

    private static func skipEscape(_ it: inout String.UnicodeScalarView.Iterator, pending: inout Unicode.Scalar?) {
        guard let kind = it.next() else { return }
        switch kind {
        case "[": skipCSI(&it)
        case "]", "P", "X", "^", "_": skipString(&it)
        default:
            // Two-character sequences (ESC c, ESC 7, ESC ( B …): drop the final byte(s).
            if (0x20...0x2F).contains(kind.value) { _ = it.next() }
        }
    }

    /// CSI: parameters and intermediates, then one final byte 0x40–0x7E.
    private static func skipCSI(_ it: inout String.UnicodeScalarView.Iterator) {
        while let s = it.next() {
            if (0x40...0x7E).contains(s.value) { return }
            if s.value < 0x20 || s.value > 0x7E { return }
        }
    }

    /// OSC/DCS/APC/PM/SOS: until BEL or ST (`ESC \` or 0x9C).
    private static func skipString(_ it: inout String.UnicodeScalarView.Iterator) {
        var sawEscape = false
        while let s = it.next() {
            if s.value == 0x07 || s.value == 0x9C { return }
            if sawEscape && s == "\\" { return }
            sawEscape = s.value == 0x1B
        }
    }
}
