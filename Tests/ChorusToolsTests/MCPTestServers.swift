import ChorusTools
import Foundation
import Testing

/// The real MCP servers of the tests: our own misbehaving one
/// (`scripts/mcp/test_server.py`, Python MCP SDK), `mcp-server-time` and
/// `mcp-server-git`, from the venv `scripts/mcp/mcp-venv.sh` makes;
/// `scripts/test.sh` exports its python as `CHORUS_MCP_PYTHON`.
enum MCPTestServers {
    static let python = ProcessInfo.processInfo.environment["CHORUS_MCP_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static var available: Bool { python != nil }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Our test server, with `environment` (NOTES_FILE, CALL_LOG) and extra arguments.
    static func testServer(_ name: String = "test", environment: [String: String] = [:], arguments: [String] = [],
                           callTimeout: Double = 20, trust: MCPServerSpec.Trust = .readOnly(alsoTrusted: [])) -> MCPServerSpec {
        MCPServerSpec(name: name, endpoint: .stdio(command: python ?? "python3", arguments: [repository + "/scripts/mcp/test_server.py"] + arguments,
                                                   environment: environment),
                      callTimeout: callTimeout, trust: trust)
    }

    static func module(_ name: String, _ module: String, arguments: [String] = []) -> MCPServerSpec {
        MCPServerSpec(name: name, endpoint: .stdio(command: python ?? "python3", arguments: ["-m", module] + arguments, environment: [:]))
    }

    /// A fresh folder, removed when the returned object goes away.
    final class Folder: Sendable {
        let path = NSTemporaryDirectory() + "chorus-mcp-\(UUID().uuidString)"
        init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }
}
