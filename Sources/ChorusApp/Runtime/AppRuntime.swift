import ChorusAppCore
import ChorusStore
import ChorusAgents
import ChorusGraph
import ChorusSupport
import ChorusTUI
import Foundation

/// Runs the app: feeds every message through `Update.update`, performs the
/// effects, and presents at most one frame per 16 ms however fast tokens
/// arrive. Returns when the user quits.
public final class AppRuntime {
    private var model: AppModel
    private let terminal: any TerminalDevice
    private let backend: any ThreadBackend
    private let messages: AsyncStream<Msg>
    private let inbox: AsyncStream<Msg>.Continuation
    private let replies = RunningReplies()
    /// What running replies report, on its way to the loop.
    private let mailbox: RunMailbox
    /// Per research thread: cancels single branches.
    private var researchControls: [String: ResearchControl] = [:]
    /// The branch control of a research run not yet saved as a thread (its id arrives with `researchStarted`).
    private var newResearchControl: ResearchControl?
    /// Store work still running, awaited before exit.
    private let effectTasks = Locked<[UUID: Task<Void, Never>]>([:])
    /// Frames drawn for streamed text: 60 a second, 30 when many research panes stream at
    /// once (each re-renders its text every frame; a key is still drawn at once).
    private var frameInterval: Duration {
        (model.currentResearch?.running ?? 0) >= 4 ? .milliseconds(33) : .milliseconds(16)
    }
    /// Frame times so far; a benchmark reads it while the app runs to time a stretch of frames.
    public let frameLog = Locked(FrameStats())
    private var firstFrameAt: Date?
    private let clipboardPath: String
    private let clock: any FrameClock
    /// Gives free memory back to the system (`MallocTuning.releaseFreePages`), on `memoryRelease`'s schedule.
    private let releaseFreeMemory: @Sendable () -> Void
    private var memoryRelease = MemoryReleaseSchedule()

    public init(model: AppModel, terminal: any TerminalDevice, backend: any ThreadBackend, clipboardPath: String,
                clock: any FrameClock = SystemFrameClock(), releaseFreeMemory: @escaping @Sendable () -> Void = MallocTuning.releaseFreePages) {
        self.model = model
        self.terminal = terminal
        self.backend = backend
        self.clipboardPath = clipboardPath
        self.clock = clock
        self.releaseFreeMemory = releaseFreeMemory
        let (messages, inbox) = AsyncStream.makeStream(of: Msg.self, bufferingPolicy: .unbounded)
        (self.messages, self.inbox) = (messages, inbox)
        let mailbox = RunMailbox { inbox.yield(.runMail) }
        self.mailbox = mailbox
        waitingRunMessages = { mailbox.count }
    }

    /// How many messages of running replies wait for the loop (tokens wait for the next frame).
    let waitingRunMessages: @Sendable () -> Int

    /// Runs until quit (or the terminal's events end); returns frame timings.
    public func run() async -> SessionStats {
        let inbox = self.inbox
        let terminalEvents = terminal.events
        let events = Task {
            for await event in terminalEvents { inbox.yield(.terminal(event)) }
            inbox.yield(.terminal(.key(.ctrl("q"))))
        }
        let replying = Locked(false)
        let clock = self.clock
        let ticker = Task {
            while !Task.isCancelled {
                try? await clock.sleep(until: clock.now + .milliseconds(250))
                if replying.withLock({ $0 }) { inbox.yield(.tick(clock.date)) }
            }
        }
        defer {
            events.cancel()
            ticker.cancel()
        }
        perform(.loadThreads)
        perform(.loadDrafts)
        var frameDue = false
        // The timer of the frame due for streamed tokens; a key's frame makes it moot.
        var frameTimer: Task<Void, Never>?
        // Something changed since the last frame (a frame already on its way when a key's frame showed it draws nothing).
        var dirty = false
        var lastFrame = clock.now - .seconds(1)
        // The frame due was asked for by a key: it shows the key first, and the tokens waiting go with the frame after it.
        var keyFrameDue = false
        func scheduleFrame(interactive: Bool) {
            frameDue = true
            keyFrameDue = interactive
            // Streamed tokens share one frame per `frameInterval`.
            let due = interactive ? lastFrame + .milliseconds(1) : lastFrame + frameInterval
            if due <= clock.now {
                inbox.yield(.frame)
            } else {
                frameTimer = Task {
                    try? await clock.sleep(until: due)
                    if !Task.isCancelled { inbox.yield(.frame) }
                }
            }
        }
        for await msg in messages {
            model.now = clock.date
            if case .frame = msg {
                frameDue = false
                frameTimer = nil
                let forKey = keyFrameDue
                keyFrameDue = false
                if !forKey {
                    // The tokens that waited for this frame.
                    let mail = mailbox.takeAll()
                    for waiting in mail { handle(waiting) }
                    if model.quitting { break }
                    if !mail.isEmpty { dirty = true }
                }
                if dirty {
                    dirty = false
                    lastFrame = clock.now
                    draw()
                }
                if forKey, mailbox.count > 0 { scheduleFrame(interactive: false) }
                continue
            }
            dirty = true
            if case .runMail = msg {
                // Tokens alone wait for the frame scheduled below; anything else is handled now.
                for mail in mailbox.takeUrgent() ?? [] { handle(mail) }
            } else {
                handle(msg)
            }
            if model.quitting { break }
            replying.withLock { $0 = !model.replies.isEmpty }
            // What the user does shows at once, even when a token frame is already scheduled.
            let interactive: Bool
            if case .terminal = msg { interactive = true } else { interactive = false }
            if interactive, frameDue {
                frameTimer?.cancel()
                frameTimer = nil
                keyFrameDue = true
                inbox.yield(.frame)
            } else if !frameDue {
                scheduleFrame(interactive: interactive)
            }
        }
        await shutDown()
        return SessionStats(frameTimes: frameLog.withLock { $0 }, firstFrameAt: firstFrameAt, stoppedBy: model.stoppedBy)
    }

    /// Hands one message to `Update.update` and performs its effects.
    private func handle(_ msg: Msg) {
        for effect in Update.update(&model, msg) { perform(effect) }
        if case .researchStarted(let record, _) = msg, let control = newResearchControl {
            replies.move(.newResearch, to: .thread(.thread(record.id)))
            researchControls[record.id] = control
            newResearchControl = nil
        }
        // A draft's reply goes on under its new thread's id.
        if case .threadCreated(let record) = msg {
            replies.move(.thread(.draft), to: .thread(.thread(record.id)))
        }
        if case .replyEnded = msg, memoryRelease.replyEnded(at: clock.now, othersStreaming: !model.replies.isEmpty) {
            Task.detached(priority: .background, operation: releaseFreeMemory)
        }
    }

    private func draw() {
        let start = ContinuousClock.now
        let buffer = AppView.render(model)
        terminal.present(buffer)
        let spent = ContinuousClock.now - start
        frameLog.withLock { $0.record(spent) }
        if firstFrameAt == nil { firstFrameAt = clock.date }
    }

    /// Cancels streaming replies and waits (up to 2 s) for their partial text to be saved.
    private func shutDown() async {
        let running = replies.all
        for task in running { task.cancel() }
        let pending = running + effectTasks.withLock { Array($0.values) }
        // Whichever comes first: everything done, or 2 s (awaiting a task's value cannot be cancelled,
        // so a request to a server that does not answer would otherwise hold the exit).
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = Locked(false)
            let resume: @Sendable () -> Void = {
                if !resumed.withLock({ let was = $0; $0 = true; return was }) { continuation.resume() }
            }
            Task {
                for task in pending { await task.value }
                resume()
            }
            Task {
                try? await Task.sleep(for: .seconds(2))
                resume()
            }
        }
        await backend.stop()
    }

    private func perform(_ effect: Effect) {
        let inbox = self.inbox
        let backend = self.backend
        let send: @Sendable (Msg) -> Void = { inbox.yield($0) }
        let clock = self.clock
        let runs = RunDriver(backend: backend, mailbox: mailbox, now: { clock.date })
        switch effect {
        case .loadThreads:
            background { for try await threads in backend.listThreads() { send(.threadsLoaded(threads)) } }
        case .loadDrafts:
            background { send(.draftsLoaded(try await backend.drafts())) }
        case .saveDraft(let key, let text):
            background { try await backend.saveDraft(text, for: key) }
        case .loadTranscript(let id):
            background {
                send(.transcriptLoaded(threadId: id, try await backend.transcript(id)))
                // What the run waited for before a restart is asked again.
                if let pending = try await backend.pendingInput(id) { send(.inputNeeded(threadId: id, pending)) }
            }
        case .answer(let id, let answer, let provider):
            replies.start(.thread(.thread(id))) { await runs.answer(threadId: id, answer, runner: provider) }
        case .listTools:
            background { send(.toolsListed(await backend.toolReport())) }
        case .loadTools:
            background { send(.toolsLoaded(await backend.toolRows())) }
        case .setToolEnabled(let name, let enabled):
            backend.setTool(name, enabled: enabled)
        case .startReply(let key, let userId, let text, let entryId, let provider):
            replies.start(.thread(key)) {
                await runs.reply(key, userId: userId, text: text, entryId: entryId, runner: provider)
            }
        case .regenerate(let id, let removing, let entryId, let provider):
            replies.start(.thread(.thread(id))) {
                await runs.regenerate(threadId: id, removing: removing, entryId: entryId, runner: provider)
            }
        case .removeMessages(let id, let ids):
            background { try await backend.removeMessages(threadId: id, ids: ids) }
        case .compact(let id, let provider):
            background {
                guard try await backend.compact(threadId: id, runner: provider) else {
                    send(.notice("nothing to compact yet"))
                    return
                }
                send(.transcriptLoaded(threadId: id, try await backend.transcript(id)))
                send(.notice("compacted: from here on the model is sent the recent messages and what the compaction kept of the rest"))
            }
        case .cancelReply(let key):
            guard let task = replies.take(.thread(key)) else { break }
            task.cancel()
            // It still saves what arrived: quitting now waits for that.
            background { await task.value }
        case .rename(let id, let title):
            background { try await backend.rename(id, to: title) }
        case .delete(let id):
            background {
                try await backend.delete(id)
                for try await threads in backend.listThreads() { send(.threadsLoaded(threads)) }
            }
        case .archive(let id):
            background { try await backend.archive(id) }
        case .setProvider(let id, let provider):
            background { try await backend.setRunner(id, runner: provider) }
        case .search(let query):
            background { send(.searchResults(query: query, try await backend.search(query, limit: 30))) }
        case .copy(let text):
            terminal.copyToClipboard(text)
            let path = clipboardPath
            background {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                send(.notice("copied \(text.count) characters (clipboard via OSC 52, and \(path))"))
            }
        case .startResearch(let question):
            let control = ResearchControl()
            newResearchControl = control
            replies.start(.newResearch) { await runs.research(question: question, resume: nil, control: control) }
        case .resumeResearch(let id):
            let control = ResearchControl()
            researchControls[id] = control
            replies.start(.thread(.thread(id))) { await runs.research(question: "", resume: id, control: control) }
        case .cancelBranch(let id, let index):
            researchControls[id]?.cancel(branch: index)
        case .loadResearch(let id):
            background { send(.researchLoaded(threadId: id, try await backend.savedResearch(id))) }
        case .quit:
            break
        }
    }

    /// Runs store work off the loop; a failure becomes a status-bar notice.
    private func background(_ work: @escaping @Sendable () async throws -> Void) {
        let inbox = self.inbox
        let id = UUID()
        let tasks = effectTasks
        // Kept under the lock its own end takes, so a task done at once is still let go.
        tasks.withLock { running in
            running[id] = Task {
                do { try await work() } catch { inbox.yield(.notice("\(error)")) }
                tasks.withLock { $0[id] = nil }
            }
        }
    }
}

/// How a session went: the time of every frame (view and present) and when the first was shown.
public struct SessionStats: Sendable {
    public var frameTimes: FrameStats
    public var firstFrameAt: Date?
    /// The signal that stopped the session (SIGTERM, SIGHUP, SIGINT); nil when the user quit.
    public var stoppedBy: Int32?
}
