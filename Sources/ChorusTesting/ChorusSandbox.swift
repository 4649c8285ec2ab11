import Foundation

/// A temporary home for the built `chorus` executable: its own database,
/// config and HOME, the offline model at full speed and no provider keys.
/// The folder is removed when the sandbox is dropped.
public final class ChorusSandbox: Sendable {
    public let dir: String
    public let environment: [String: String]

    public init(prefix: String = "chorus-sandbox-") throws {
        dir = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        environment = ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0", "CHORUS_DB": dir + "/c.sqlite", "HOME": dir, "XDG_CONFIG_HOME": dir,
                       "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "OLLAMA_HOST": ""]
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs `chorus` in the sandbox to completion with `input` on standard input and
    /// `environment` added to its own; returns (exit status, stdout, stderr).
    public func run(_ arguments: [String], input: String = "", environment extra: [String: String] = [:]) async throws -> (Int32, String, String) {
        try await BuiltExecutable.run("chorus", arguments, environment: environment.merging(extra) { _, new in new }, input: Data(input.utf8))
    }
}
