import ChorusSettings
import Glibc

/// The exit codes of `chorus` (documented in docs/print.md): 0 ok, 1 failure,
/// 2 usage, 130 interrupted (SIGINT), 141 output closed before the reply was saved.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// The command ran and failed: a provider, the database, an unknown thread, bad input.
    public static let failure: Int32 = 1
    /// The command was called wrongly: unknown option, conflicting flags, a missing argument.
    public static let usage: Int32 = 2
    /// Stopped by SIGINT (Ctrl-C), as a shell reports it (128 + 2).
    public static let interrupted: Int32 = 130
    /// `--print`'s reader closed the pipe and the whole reply could not be saved (128 + SIGPIPE).
    public static let brokenPipe: Int32 = 128 + SIGPIPE

    /// The code for a command's error: `UsageError` is a usage mistake, everything else a failure.
    public static func of(_ error: any Error) -> Int32 {
        error is UsageError ? usage : failure
    }
}
