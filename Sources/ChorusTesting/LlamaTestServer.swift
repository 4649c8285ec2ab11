import ChorusProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real llama.cpp `llama-server` of its own, started for one test with the
/// context window it asks for (the shared test server runs with 4,096), on a
/// free loopback port. Needs `CHORUS_TEST_LLAMA_SERVER_BIN` and
/// `CHORUS_TEST_LLAMA_MODEL_GGUF` (set by `llm-servers.sh env`).
public final class LlamaTestServer: Sendable {
    public let baseURL: String
    private let process: ChildProcess

    /// True when the binary and the model are known.
    public static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return [environment["CHORUS_TEST_LLAMA_SERVER_BIN"], environment["CHORUS_TEST_LLAMA_MODEL_GGUF"]]
            .allSatisfy { $0.map { FileManager.default.fileExists(atPath: $0) } ?? false }
    }

    private init(baseURL: String, process: ChildProcess) {
        self.baseURL = baseURL
        self.process = process
    }

    /// Starts the server (one slot, `context` tokens) and waits until it answers `/health`.
    public static func start(context: Int) async throws -> LlamaTestServer {
        let environment = ProcessInfo.processInfo.environment
        guard let binary = environment["CHORUS_TEST_LLAMA_SERVER_BIN"], let model = environment["CHORUS_TEST_LLAMA_MODEL_GGUF"] else {
            throw StartError(description: "CHORUS_TEST_LLAMA_SERVER_BIN and CHORUS_TEST_LLAMA_MODEL_GGUF are not set")
        }
        let port = try await LangGraphTestServer.freePort()
        let process = try ChildProcess(binary, ["-m", model, "--alias", "smollm2", "--host", "127.0.0.1", "--port", "\(port)",
                                                "-t", "1", "-c", "\(context)", "-np", "1", "--no-webui", "--metrics"],
                                       standardOutput: .null, standardError: .null, ownProcessGroup: true)
        let server = LlamaTestServer(baseURL: "http://127.0.0.1:\(port)/v1", process: process)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 {
                return server
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        server.stop()
        throw StartError(description: "llama-server did not answer /health on port \(port) within 120 s")
    }

    /// What the server itself counted from its `/metrics`: prompt tokens it
    /// processed (cached ones left out) and tokens it generated, since it started.
    public func tokenCounters() async throws -> (prompt: Int, predicted: Int) {
        let root = String(baseURL.dropLast(3))
        let (data, _) = try await URLSession.shared.data(from: URL(string: root + "/metrics")!)
        func counter(_ name: String) -> Int {
            String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? -1
        }
        return (counter("llamacpp:prompt_tokens_total"), counter("llamacpp:tokens_predicted_total"))
    }

    public func stop() {
        _ = process.stop(grace: .seconds(5))
    }

    deinit { stop() }

    /// The server did not start; the description says why.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }
}
