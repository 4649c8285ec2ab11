import ChorusSupport
import Glibc

/// Standard output and standard error for `--print`, written with `write(2)`
/// so that a reader who goes away (`chorus --print … | head -c 20`) is noticed
/// instead of killing the process: SIGPIPE is ignored, the first `EPIPE` marks
/// standard output closed, and from then on nothing more is written anywhere
/// (no notices, no "saved as" line: the command finishes quietly). The reply
/// keeps being generated and is saved whole; `ExitStatus.brokenPipe` is for a
/// reply that could not be saved.
public final class ClosablePipeOutput: Sendable {
    private let closed = Locked(false)

    /// Ignores SIGPIPE for the whole process, so a closed pipe is an `EPIPE` error.
    public init() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// True once a write to standard output found its reader gone.
    public var readerClosed: Bool { closed.withLock { $0 } }

    /// Writes `text` to standard output unless its reader is gone.
    public func write(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Writes `text` to standard error unless standard output's reader is gone.
    public func notice(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    private func write(_ text: String, to descriptor: Int32) {
        guard !readerClosed else { return }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written >= 0 {
                bytes = bytes.dropFirst(written)
            } else if errno == EINTR || errno == EAGAIN {
                continue
            } else {
                // EPIPE, or any other failure: the output is gone, the work goes on.
                if descriptor == STDOUT_FILENO { closed.withLock { $0 = true } }
                return
            }
        }
    }
}
