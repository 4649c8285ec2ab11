import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// The `chorus` executable's flags reach the command they are given to.
@Suite struct CommandLineTests {
    static func chunk(_ text: String) -> String {
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\(JSON.serialize(.string(text)))},\"finish_reason\":null}]}\n\n"
    }
    static let end = ["data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n"]

    @Test func researchUsesTheProviderFlagsForEveryRole() async throws {
        let server = try await LoopbackHTTPServer()
        server.enqueue(LoopbackHTTPServer.sse([Self.chunk("{\"sub_questions\": [\"Which gas scatters?\"]}")] + Self.end))
        server.enqueue(LoopbackHTTPServer.sse([Self.chunk("Nitrogen scatters blue light.")] + Self.end))
        server.enqueue(LoopbackHTTPServer.sse([Self.chunk("Because of Rayleigh scattering [1].")] + Self.end))
        let dir = NSTemporaryDirectory() + "chorus-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (status, out, err) = try await BuiltExecutable.run("chorus", [
            "research", "Why is the sky blue?", "--branches", "1", "--jsonl",
            "--provider", "openai", "--base-url", server.baseURL + "/v1", "--model", "loopback", "--db", dir + "/c.sqlite",
        ], environment: ["HOME": dir, "XDG_CONFIG_HOME": dir])
        await server.shutdown()
        #expect(status == 0, "\(err)")
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.body.contains("\"model\":\"loopback\"") })
        let last = try JSON.parse(String(out.split(separator: "\n").last ?? ""))
        #expect(last["event"] == "final")
        #expect(last["answer"]?.stringValue?.contains("Rayleigh scattering [1]") == true)
    }
}
