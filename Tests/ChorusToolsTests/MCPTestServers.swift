import ChorusTesting
import ChorusTools
import Foundation
import Testing

/// Specs of the real MCP servers of the tests (see `MCPTestServer`).
enum MCPTestServers {
    static let python = MCPTestServer.python
    static var available: Bool { MCPTestServer.available }

    /// Our test server, with `environment` (NOTES_FILE, CALL_LOG) and extra arguments.
    static func testServer(_ name: String = "test", environment: [String: String] = [:], arguments: [String] = [],
                           callTimeout: Double = 20, trust: MCPServerSpec.Trust = .readOnly(alsoTrusted: [])) -> MCPServerSpec {
        MCPServerSpec(name: name, endpoint: .stdio(command: python ?? "python3", arguments: [MCPTestServer.script] + arguments,
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
