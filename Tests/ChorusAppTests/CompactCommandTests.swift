import ChorusApp
import ChorusAppCore
import ChorusGraph
import ChorusModels
import ChorusSettings
import ChorusStore
import ChorusTUI
import Foundation
import Testing

/// `/compact`: the thread's conversation compacted on demand, shown in the
/// transcript, and the next reply sent the summary instead of the older messages.
@Suite struct CompactCommandTests {
    @Test func compactingOnDemandAddsAMarkerAndTheThreadGoesOn() async throws {
        let dir = NSTemporaryDirectory() + "chorus-compact-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backend = LocalBackend(database: try ChorusDatabase(path: dir + "/db.sqlite"),
                                   environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"], config: ChorusConfig())
        let thread = try await backend.createThread(title: "compact me", kind: .chat, runner: "offline")
        #expect(try await backend.compact(threadId: thread.id, runner: "offline") == false, "nothing to compact in an empty thread")
        for turn in 1...3 { try await reply(backend, thread.id, "question \(turn)") }
        #expect(try await backend.compact(threadId: thread.id, runner: "offline"))
        let entries = try await backend.transcript(thread.id)
        let marker = try #require(entries.first { $0.role == .compaction })
        #expect(marker.compacted?.count ?? 0 >= 1)
        #expect(marker.compacted?.summarized == true)
        // The conversation goes on after it; every message is still there.
        try await reply(backend, thread.id, "question 4")
        let after = try await backend.transcript(thread.id)
        #expect(after.filter { $0.role == .user }.map(\.text) == (1...4).map { "question \($0)" })
        #expect(after.last?.role == .assistant)
    }

    func reply(_ backend: LocalBackend, _ thread: String, _ text: String) async throws {
        for try await _ in backend.run(threadId: thread, .message(ChatMessage(role: .user, content: text, id: "u-" + UUID().uuidString)), runner: "offline") {}
    }
}
