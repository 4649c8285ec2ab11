import Foundation

extension BuiltExecutable {
    /// Runs it to completion with `input` as standard input (from a file, so
    /// a child that stops reading early cannot block the test); returns
    /// (exit status, stdout, stderr).
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                           input: Data) throws -> (Int32, String, String) {
        let file = NSTemporaryDirectory() + "chorus-stdin-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: file, contents: input) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let running = try start(name, arguments, environment: environment, input: FileHandle(forReadingFrom: URL(fileURLWithPath: file)))
        let stdout = running.output.fileHandleForReading.readDataToEndOfFile()
        let stderr = running.errors.fileHandleForReading.readDataToEndOfFile()
        running.process.waitUntilExit()
        return (running.process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Starts it with standard input from `input` (default: /dev/null) and
    /// returns at once, for tests that signal it while it runs.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                             input: FileHandle = .nullDevice) throws -> (process: Process, output: Pipe, errors: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(name))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        return (process, out, err)
    }
}
