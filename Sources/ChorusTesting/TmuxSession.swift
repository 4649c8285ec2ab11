import Foundation

/// A real terminal for end-to-end tests: a detached tmux session on its own
/// server socket running one command; keys go in with `send-keys`, the
/// screen comes out with `capture-pane`.
public final class TmuxSession: Sendable {
    public let socket: String
    public let target = "t"

    /// Starts `command` in a `width` × `height` terminal with `environment`.
    public init(command: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        socket = "chorus-test-" + UUID().uuidString.prefix(8).lowercased()
        var args = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
        // Keep the pane after exit so its last screen and status can be read.
        args += [command.map(Self.quote).joined(separator: " ") + "; echo \"[exited $?]\"; sleep 600"]
        try tmux(args, output: false)
        try tmux(["set-option", "-t", target, "-g", "remain-on-exit", "on"])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Types keys: tmux key names (`Enter`, `C-t`, `Escape`) or literal text with `literal`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", target] + (literal ? ["-l"] : []) + keys)
    }

    /// Pastes `text` with bracketed paste, as a terminal does for Ctrl-Shift-V.
    public func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "p", text])
        try tmux(["paste-buffer", "-p", "-b", "p", "-t", target])
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen, one string per row.
    public func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", target]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The screen once `condition` holds, or nil after `timeout` (the condition is re-checked every 50 ms:
    /// a terminal has no event to await).
    public func waitFor(timeout: Duration = .seconds(20), _ condition: ([String]) -> Bool) async throws -> [String]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lines = try screen()
            if condition(lines) { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The screen once it contains `text`, or nil.
    public func waitFor(_ text: String, timeout: Duration = .seconds(20)) async throws -> [String]? {
        try await waitFor(timeout: timeout) { $0.joined(separator: "\n").contains(text) }
    }

    /// Whether tmux is installed.
    public static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/tmux")
        } ?? false
    }

    @discardableResult
    private func tmux(_ args: [String], output: Bool = true) throws -> String {
        let process = Process()
        // Foundation learns that a child exited when the descriptors it gave
        // it close; a tmux server forked from this child would hold them
        // forever, so every descriptor above stderr is closed first.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec tmux \"$@\"",
                             "tmux", "-L", socket, "-f", "/dev/null"] + args
        let out = Pipe()
        process.standardOutput = output ? out : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TmuxError(arguments: args, status: process.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

public struct TmuxError: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public var description: String { "tmux \(arguments.joined(separator: " ")) exited with \(status)" }
}
