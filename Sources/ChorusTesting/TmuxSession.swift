import ChorusProcess
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real terminal for end-to-end tests: a detached tmux session on its own
/// server socket running one command; keys go in with `send-keys`, the
/// screen comes out with `capture-pane`.
public final class TmuxSession: Sendable {
    public let socket: String
    public let target = "t"
    /// The tmux server's pid, killed with its process group if `kill-server` fails.
    public let serverPid: pid_t?

    /// Starts `command` in a `width` × `height` terminal with `environment`.
    public init(command: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        socket = "chorus-test-" + UUID().uuidString.prefix(8).lowercased()
        var args = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
        // Keep the pane after exit so its last screen and status can be read.
        args += [command.map(Self.quote).joined(separator: " ") + "; echo \"[exited $?]\"; sleep 600"]
        try Self.tmux(socket, args, output: false)
        try Self.tmux(socket, ["set-option", "-t", target, "-g", "remain-on-exit", "on"])
        serverPid = (try? Self.tmux(socket, ["display-message", "-p", "#{pid}"]))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Stops the server and everything in the session; runs when the test ends, also when it fails.
    deinit {
        _ = try? command(["kill-server"])
        guard let serverPid else { return }
        // The server is a daemon in a session of its own (its pid is its group id).
        let deadline = ContinuousClock.now + .seconds(5)
        while kill(serverPid, 0) == 0 && ContinuousClock.now < deadline { usleep(10_000) }
        if kill(serverPid, 0) == 0 { kill(-serverPid, SIGKILL) }
    }

    /// Types keys: tmux key names (`Enter`, `C-t`, `Escape`) or literal text with `literal`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try command(["send-keys", "-t", target] + (literal ? ["-l"] : []) + keys)
    }

    /// Pastes `text` with bracketed paste, as a terminal does for Ctrl-Shift-V.
    public func paste(_ text: String) throws {
        try command(["set-buffer", "-b", "p", text])
        try command(["paste-buffer", "-p", "-b", "p", "-t", target])
    }

    public func resize(width: Int, height: Int) throws {
        try command(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen, one string per row.
    public func screen() throws -> [String] {
        try command(["capture-pane", "-p", "-t", target]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The screen once `condition` holds, or nil after `timeout` (the condition is re-checked every 50 ms:
    /// a terminal has no event to await).
    public func waitFor(timeout: Duration = .seconds(20), _ condition: ([String]) -> Bool) async throws -> [String]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            // Each capture waits for a tmux client: off the cooperative pool, so polling stalls no other test.
            let lines = try await BuiltExecutable.offPool { try self.screen() }
            if condition(lines) { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The screen once `condition` holds on two captures in a row that are
    /// the same: a screen at rest, not one caught while tmux was halfway
    /// through a frame (when a layout moves, a torn capture shows rows at
    /// both their old and their new places). Nil at the deadline.
    public func waitForSettled(timeout: Duration = .seconds(20), _ condition: ([String]) -> Bool) async throws -> [String]? {
        let deadline = ContinuousClock.now + timeout
        var previous: [String]?
        while ContinuousClock.now < deadline {
            let lines = try await BuiltExecutable.offPool { try self.screen() }
            if condition(lines) {
                if lines == previous { return lines }
                previous = lines
            } else {
                previous = nil
            }
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

    /// Runs a tmux command on this session's server and returns its output.
    @discardableResult
    public func command(_ args: [String]) throws -> String { try Self.tmux(socket, args) }

    /// Runs the tmux client through `ChildProcess`, so the server it forks
    /// starts with a clean signal mask and none of this process's descriptors.
    @discardableResult
    private static func tmux(_ socket: String, _ args: [String], output: Bool = true) throws -> String {
        let client = try ChildProcess("tmux", ["-L", socket, "-f", "/dev/null"] + args,
                                      standardOutput: output ? .pipe : .null, standardError: .null)
        let data = client.standardOutput?.readDataToEndOfFile() ?? Data()
        let termination = client.waitUntilExit()
        guard termination == .exited(0) else { throw TmuxError(arguments: args, termination: termination) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

public struct TmuxError: Error, CustomStringConvertible {
    public let arguments: [String]
    public let termination: ChildProcess.Termination
    public var description: String { "tmux \(arguments.joined(separator: " ")) \(termination)" }
}
