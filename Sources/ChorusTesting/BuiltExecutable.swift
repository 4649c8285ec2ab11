import ChorusProcess
import Foundation

/// Finds an executable of this package built beside the running test bundle.
public enum BuiltExecutable {
    public static func path(_ name: String) -> String {
        let here = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (here as NSString).deletingLastPathComponent
        while !dir.isEmpty && dir != "/" {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return name
    }

    /// Runs it to completion; returns (exit status, stdout, stderr).
    /// A signal ending it is reported as 128 + the signal, as a shell does.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String, String) {
        let executable = path(name), merged = merged(environment)
        let result = try await offPool { try ChildProcess.run(executable, arguments, environment: merged) }
        return (result.termination.shellStatus, result.stdout, result.stderr)
    }

    /// Runs blocking work (waiting for a child) on a thread of its own: a test
    /// blocking one of the cooperative pool's threads (one per core) for
    /// seconds stalls every other test running beside it.
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
