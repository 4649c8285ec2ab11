import Foundation
import Glibc

/// Turns SIGINT, SIGTERM and SIGHUP into ordinary calls: the signal handler
/// only writes the signal's number to a pipe (async-signal-safe), and a
/// thread reading the pipe calls the handler, where any code may run
/// (cancel a task, save what arrived, restore the terminal, exit).
public enum SignalForwarder {
    /// Installs the handlers for `signals` (once per process) and unblocks
    /// them; `handler` runs on a dedicated thread for every delivery.
    public static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        guard forwardingPipe < 0 else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // A full pipe drops the byte rather than blocking the handler.
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        let readEnd = fds[0]
        forwardingPipe = fds[1]
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n == 1 {
                    handler(Int32(byte))
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "chorus-signals"
        thread.start()
        var set = sigset_t()
        sigemptyset(&set)
        for sig in signals {
            signal(sig, forwardSignal)
            sigaddset(&set, sig)
        }
        // A parent may have started us with these blocked; then they would never arrive.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

// Safety of this `nonisolated(unsafe)` global: it is written once in
// `start`, before any handler that reads it is installed, and only read
// afterwards, so no read races the write.
nonisolated(unsafe) private var forwardingPipe: Int32 = -1

private func forwardSignal(_ sig: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(forwardingPipe, &byte, 1)
    errno = saved
}
