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
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let result = try ChildProcess.run(path(name), arguments, environment: merged(environment))
        return (result.termination.shellStatus, result.stdout, result.stderr)
    }
}
