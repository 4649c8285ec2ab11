import ChorusApp
import ChorusAppCore
import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation
import Testing

/// The whole app in process (runtime, chat graph, offline model, a SQLite
/// file) against an in-memory terminal: no tmux, no tty, no pacing sleeps.
@Suite(.timeLimit(.minutes(1))) struct RuntimeTests {
    let dir = NSTemporaryDirectory() + "chorus-runtime-\(UUID().uuidString)"

    func start(tokensPerSecond: Int) throws -> (RecordingTerminal, Task<SessionStats, Never>, ChorusDatabase) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let database = try ChorusDatabase(path: dir + "/app.sqlite")
        let terminal = RecordingTerminal()
        let service = LocalBackend(database: database, environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": String(tokensPerSecond)],
                                  config: ChorusConfig(), flags: ProviderFlags(provider: "offline"))
        let model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(), defaultProvider: "offline", providerChoices: ["offline"])
        let runtime = AppRuntime(model: model, terminal: terminal, backend: service, clipboardPath: dir + "/clipboard.txt")
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 100, height: 30))
        return (terminal, running, database)
    }

    func type(_ text: String, into terminal: RecordingTerminal) {
        terminal.input(.paste(text))
        terminal.input(.key(.enter))
    }

    @Test func aReplyStreamsToTheScreenAndIsSavedAsAThread() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (terminal, running, database) = try start(tokensPerSecond: 0)
        try await terminal.until { $0.contains("Message (Enter sends") }
        let before = terminal.frameCount
        type("hello runtime", into: terminal)
        try await terminal.until { $0.contains("You wrote: “hello runtime”") && $0.contains("lost.") }
        // ~95 tokens arrived; frames are coalesced, not drawn per token.
        #expect(terminal.frameCount - before < 48)
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        let threads = try await ThreadStore(database: database).list()
        #expect(threads.map(\.title) == ["hello runtime"])
        #expect(threads.first?.messageCount == 2)
    }

    @Test func escapeStopsAStreamingReplyAndKeepsWhatArrived() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (terminal, running, database) = try start(tokensPerSecond: 20)
        try await terminal.until { $0.contains("Message (Enter sends") }
        type("stop me", into: terminal)
        try await terminal.until { $0.contains("This is Chorus") }
        terminal.input(.key(.escape))
        try await terminal.until { $0.contains("[cancelled]") }
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        let store = ThreadStore(database: database)
        let thread = try #require(try await store.list().first)
        let saved = try await store.transcript(thread.id)
        #expect(saved.count == 2)
        let reply = saved.last?["content"]?.stringValue ?? ""
        #expect(reply.hasPrefix("This is Chorus"))
        #expect(!reply.contains("nothing you type is lost"))
    }
}
