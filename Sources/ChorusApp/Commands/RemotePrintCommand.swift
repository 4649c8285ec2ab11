import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusRemote
import ChorusTUI
import Foundation

/// `chorus --print QUESTION --server URL`: one run of the server's assistant,
/// its reply streamed to stdout. The run goes to a new thread (deleted
/// afterwards with `ephemeral`), the most recently updated one (`--continue`)
/// or `--thread ID`; a thread that waits at an `interrupt()` takes the
/// question as its answer. Branches of a run that fans out are announced on
/// stderr; what follows them is the reply.
public struct RemotePrintCommand: Sendable {
    public var question: String
    public var connection: ServerConnection
    public var thread: PrintCommand.ThreadChoice?
    public var ephemeral: Bool

    public init(question: String, connection: ServerConnection, thread: PrintCommand.ThreadChoice?, ephemeral: Bool) {
        self.question = question
        self.connection = connection
        self.thread = thread
        self.ephemeral = ephemeral
    }

    /// Runs it; `write` gets the reply as it streams and `notice` one line per event worth telling (both sanitized).
    public func answer(write: (@Sendable (String) -> Void)?, notice: (@Sendable (String) -> Void)? = nil) async throws -> PrintResult {
        if ephemeral, thread != nil { throw UsageError("--ephemeral cannot be used with --continue or --thread") }
        let client = connection.client
        _ = try await connection.check()
        let threadId: String
        var start = RunStreamRequest.Start.input(ChatGraph.State.input(ChatMessage(role: .user, content: question, id: "user-" + UUID().uuidString.lowercased())))
        switch thread {
        case nil:
            let title = String(question.split(separator: "\n").first?.prefix(80) ?? "")
            threadId = try await client.createThread(metadata: ["title": .string(title), "chorus_assistant": .string(connection.assistant)]).id
        case .latest:
            guard let latest = try await client.threads(limit: 1, offset: 0).threads.first else { throw ThreadReferenceError.noneToContinue }
            threadId = latest.id
        case .id(let id):
            threadId = try await client.thread(id).id
        }
        if thread != nil, let pending = try await client.state(threadId).interrupts.first {
            notice?("chorus: the thread waited for an answer to \(RemoteBackend.prompt(pending.value)); resuming with the question")
            start = .resume(.string(question))
        }
        var result = PrintResult(threadId: ephemeral ? nil : threadId, reply: "", usage: nil, model: SafeText.sanitize(connection.assistant, keepNewlines: false))
        // This step's reply so far: if the step turns out to fan out, it was a branch's, not the reply.
        var stepReply = ""
        let follower = RemoteRunFollower(client: client, threadId: threadId) { notice?("chorus: " + SafeText.sanitize($0, keepNewlines: false)) }
        let ending = await follower.follow(RunStreamRequest(assistant: connection.assistant, start: start)) { update in
            switch update {
            case .token(let text, _, _, _), .answerToken(let text):
                let safe = SafeText.sanitize(text)
                result.reply += safe
                if case .token = update { stepReply += safe }
                write?(safe)
            case .values: stepReply = ""
            case .branchOpened(let branch):
                if !stepReply.isEmpty, result.reply.hasSuffix(stepReply) {
                    result.reply.removeLast(stepReply.count)
                    write?("\n")
                }
                stepReply = ""
                notice?("chorus: branch \(SafeText.sanitize(branch, keepNewlines: false)) started")
            case .branchesDone: notice?("chorus: branches done")
            case .interrupted(let interrupts):
                if let first = interrupts.first {
                    notice?("chorus: the run waits for an answer to \(RemoteBackend.prompt(first.value)); "
                            + "answer with: chorus --print ANSWER --server \(client.baseURL) --thread \(threadId)")
                }
            case .toolCalled(_, let name, let arguments):
                notice?("chorus: tool " + SafeText.sanitize(name + " " + JSON.serialize(arguments), keepNewlines: false))
            case .toolReturned(_, let output):
                notice?("chorus: tool → " + ToolCallRecord.preview(SafeText.sanitize(output)))
            case .started, .failed, .branchToken, .custom: break
            }
        }
        do {
            try ending.check()
        } catch {
            if ephemeral { try? await client.deleteThread(threadId) }
            throw error
        }
        if ephemeral { try await client.deleteThread(threadId) }
        return result
    }
}
