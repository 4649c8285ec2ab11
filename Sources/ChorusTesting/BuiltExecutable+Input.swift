import ChorusProcess
import Foundation

extension BuiltExecutable {
    /// Runs it to completion with `input` as standard input (from a file, so
    /// a child that stops reading early cannot block the test); returns
    /// (exit status, stdout, stderr), a signal as 128 + its number.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                           input: Data) async throws -> (Int32, String, String) {
        let file = NSTemporaryDirectory() + "chorus-stdin-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: file, contents: input) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let executable = path(name), merged = merged(environment)
        let result = try await offPool { try ChildProcess.run(executable, arguments, environment: merged, standardInput: .file(file)) }
        return (result.termination.shellStatus, result.stdout, result.stderr)
    }

    /// Starts it with standard input from /dev/null and its output on pipes,
    /// and returns at once, for tests that signal it while it runs.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(path(name), arguments, environment: merged(environment), standardOutput: .pipe, standardError: .pipe)
    }

    static func merged(_ environment: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
}
