import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusSettings
import ChorusStore
import ChorusTUI
import Foundation
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

/// A message reads the same on screen, in `threads show` and in export: one
/// codec reads it (content blocks joined, escape sequences stripped), one
/// mapping makes the transcript, and the documents are made from that.
@Suite struct OneRenderingTests {
    @Test func contentBlocksAndEscapesReadTheSameInTheAppShowAndExport() async throws {
        let path = NSTemporaryDirectory() + "chorus-one-rendering-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try ChorusDatabase(path: path)
        let record = try await ThreadStore(database: database).create(provider: "offline")
        let graph = try ChatGraph.make(model: OfflineChatModel(tokensPerSecond: 0), checkpointer: SQLiteCheckpointer(database: database)).graph
        let blocks: Value = [["type": "text", "text": "Hello "], ["type": "image_url", "image_url": "data:,x"], "brave \u{1B}[2Jnew ", ["type": "text", "text": "world"]]
        _ = try await graph.updateState(config: RunConfig(threadId: record.id), values: ["messages": [
            ["type": "human", "content": "blocks, please", "id": "u1"],
            ["type": "ai", "content": blocks, "id": "a1"],
        ]], asNode: ChatGraph.model.rawValue)
        let backend = LocalBackend(database: database, environment: [:], config: ChorusConfig())

        let onScreen = try await backend.transcript(record.id).map(\.text)
        #expect(onScreen == ["blocks, please", "Hello brave new world"])
        let shown = try await ThreadDocument.load(try await backend.thread(record.id), from: backend)
        #expect(shown.messages.map(\.text) == onScreen)
        let json = try JSON.parse(shown.rendered(.json))
        #expect(json["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == onScreen)
        #expect(shown.rendered(.markdown).contains("Hello brave new world") && shown.rendered(.text).contains("Hello brave new world"))
        // The app draws what the transcript holds.
        var m = try makeModel(width: 80, height: 20)
        m.feed(.threadsLoaded([try await backend.thread(record.id)]))
        m.press(.alt("1"))
        m.feed(.transcriptLoaded(threadId: record.id, try await backend.transcript(record.id)))
        let screen = AppView.render(m).lines.joined(separator: "\n")
        #expect(screen.contains("Hello brave new world"), "\(screen)")
    }
}
