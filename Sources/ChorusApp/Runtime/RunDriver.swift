import ChorusAgents
import ChorusAppCore
import ChorusGraph
import ChorusModels
import ChorusRuns
import ChorusStore
import Foundation

/// Runs replies and research through the backend and tells the app what
/// happens: the one place where run updates become `Msg`s, whichever
/// backend runs them. They go through the `RunMailbox`, where tokens wait for the next frame.
struct RunDriver: Sendable {
    let backend: any ThreadBackend
    let mailbox: RunMailbox
    /// The runtime's clock's date, which a retry's countdown runs on.
    let now: @Sendable () -> Date

    private func send(_ msg: Msg) { mailbox.other(msg) }

    /// Saves the draft as a thread when needed, then streams the reply to `text`.
    func reply(_ key: ThreadKey, userId: String, text: String, entryId: String, runner: String) async {
        let threadId: String
        if let id = key.threadId {
            threadId = id
        } else {
            do {
                let record = try await backend.createThread(title: text, kind: .chat, runner: runner)
                threadId = record.id
                send(.threadCreated(record))
            } catch {
                send(.replyEnded(thread: key, entryId: entryId, .failed("cannot save the thread: \(error)")))
                return
            }
        }
        let message = ChatMessage(role: .user, content: text, id: userId)
        await follow(backend.run(threadId: threadId, .message(message), runner: runner), threadId: threadId, entryId: entryId)
    }

    /// Removes the last reply and streams a new one.
    func regenerate(threadId: String, removing ids: [String], entryId: String, runner: String) async {
        do {
            try await backend.removeMessages(threadId: threadId, ids: ids)
        } catch {
            send(.replyEnded(thread: .thread(threadId), entryId: entryId, .failed("\(error)")))
            return
        }
        await follow(backend.run(threadId: threadId, .again, runner: runner), threadId: threadId, entryId: entryId)
    }

    /// Answers what the thread waits for and streams the rest of the run.
    func answer(threadId: String, _ answer: InputAnswer, runner: String) async {
        await follow(backend.run(threadId: threadId, .resume(answer.resumeValue), runner: runner), threadId: threadId, entryId: "")
    }

    private func follow(_ updates: RunUpdates, threadId: String, entryId: String) async {
        var messageId = entryId
        var interrupted = false, rejoined = false, compacted = false
        let outcome = await drain(updates) { update in
            switch update {
            case .token(let token):
                switch token.part {
                case .reply:
                    if !token.messageId.isEmpty { messageId = token.messageId }
                    mailbox.token(.token(threadId: threadId, entryId: messageId, text: token.text, node: token.node, step: token.step))
                case .branch(let branch): mailbox.token(.fanOut(threadId: threadId, .token(branch: branch, text: token.text)))
                case .answer: mailbox.token(.fanOut(threadId: threadId, .answer(token.text)))
                }
            case .branchOpened(let branch, _, _): mailbox.token(.fanOut(threadId: threadId, .opened(branch)))
            case .branchesDone: mailbox.token(.fanOut(threadId: threadId, .branchesDone))
            case .retrying(let retry):
                mailbox.other(.retrying(threadId: threadId, ProviderRetry(attempt: retry.attempt, maxAttempts: retry.maxAttempts,
                                                                            at: now().addingTimeInterval(retry.delay), reason: retry.reason)))
            case .toolStarted(let call): mailbox.other(.toolStarted(threadId: threadId, callId: call.id, name: call.name, arguments: call.input))
            case .toolEnded(let result):
                mailbox.other(.toolEnded(threadId: threadId, callId: result.id, output: result.output, seconds: result.seconds ?? 0))
            case .usage(let usage): mailbox.other(.usageReported(threadId: threadId, usage))
            case .interrupted: interrupted = true
            case .warning(let line): mailbox.other(.notice(line))
            case .rejoined(let attempt, let attempts, let reason):
                rejoined = true
                mailbox.other(.notice(RetryLine.rejoin(attempt: attempt, of: attempts, reason: reason)))
            case .finished(let state): compacted = Self.compactedThisTurn(state)
            case .started, .nodeStarted, .nodeEnded, .custom, .failed: break
            }
        }
        send(.replyEnded(thread: .thread(threadId), entryId: messageId, outcome))
        guard outcome == .done else { return }
        // A re-joined stream may have missed tokens, and a compaction is only in the saved
        // thread: the thread's state says what they were.
        if rejoined || compacted, let entries = try? await backend.transcript(threadId) { send(.transcriptLoaded(threadId: threadId, entries)) }
        if interrupted, let pending = try? await backend.pendingInput(threadId) { send(.inputNeeded(threadId: threadId, pending)) }
    }

    /// Runs research on a new thread (`question`) or continues `threadId`'s.
    func research(question: String, resume threadId: String?, control: ResearchControl) async {
        let id: String
        if let threadId {
            id = threadId
        } else {
            do {
                let record = try await backend.createThread(title: question, kind: .research, runner: "research")
                id = record.id
                send(.researchStarted(record, backend.researchState(question: question)))
            } catch {
                send(.notice("research: \(error)"))
                return
            }
        }
        let updates = backend.research(threadId: id, question: threadId == nil ? question : nil, runner: "research", control: control)
        let outcome = await drain(updates) { update in
            switch update {
            case .token: mailbox.token(.researchUpdate(threadId: id, update))
            case .warning(let line): mailbox.other(.notice(line))
            case .rejoined(let attempt, let attempts, let reason): mailbox.other(.notice(RetryLine.rejoin(attempt: attempt, of: attempts, reason: reason)))
            default: mailbox.other(.researchUpdate(threadId: id, update))
            }
        }
        send(.researchEnded(threadId: id, outcome))
    }

    /// True when the run's final state holds a compaction after the user's last message.
    static func compactedThisTurn(_ state: Value) -> Bool {
        for value in (state["messages"]?.arrayValue ?? []).reversed() {
            guard let message = ChatMessage(value: value) else { continue }
            if message.compaction != nil { return true }
            if message.role == .user { return false }
        }
        return false
    }

    /// Hands every update to `handle`, then waits until the backend is done
    /// with the run (a cancelled reply saved); returns how the run ended.
    private func drain(_ updates: RunUpdates, _ handle: (RunUpdate) -> Void) async -> ReplyOutcome {
        var outcome = ReplyOutcome.done
        do {
            for try await update in updates { handle(update) }
            if Task.isCancelled { outcome = .cancelled }
        } catch {
            outcome = Task.isCancelled || error is CancellationError ? .cancelled : .failed("\(error)")
        }
        await updates.settled()
        return outcome
    }
}
