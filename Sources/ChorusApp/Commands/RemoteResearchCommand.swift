import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusRemote
import ChorusTUI
import Foundation

/// `chorus research QUESTION --server URL`: a run that fans out, on a
/// LangGraph server: its `research` assistant on `{"question": …}` (as
/// `chorus serve` offers it), or with `--assistant` any graph, given the
/// question as a message. Branches are reported as they start and end, the
/// answer is what follows them (else the state's `answer`, else its last
/// message). With `jsonl`, one JSON line per event.
public struct RemoteResearchCommand: Sendable {
    public var question: String
    public var connection: ServerConnection
    public var jsonl: Bool

    public init(question: String, connection: ServerConnection, jsonl: Bool) {
        self.question = question
        self.connection = connection
        self.jsonl = jsonl
    }

    /// Runs it; returns the thread id. `write` gets stdout text, `progress` stderr lines.
    @discardableResult
    public func run(write: @escaping @Sendable (String) -> Void, progress: @escaping @Sendable (String) -> Void) async throws -> String {
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw EmptyQuestionError() }
        let client = connection.client
        _ = try await connection.check()
        let assistant = connection.assistant
        let input = assistant == "research" ? ResearchGraph.State.input(question: question)
            : ChatGraph.State.input(ChatMessage(role: .user, content: question, id: "user-" + UUID().uuidString.lowercased()))
        let thread = try await client.createThread(metadata: ["title": .string(question), "chorus_kind": "research", "chorus_assistant": .string(assistant)])
        var answer = "", last: Value = .null
        let follower = RemoteRunFollower(client: client, threadId: thread.id) { progress("chorus: " + SafeText.sanitize($0, keepNewlines: false)) }
        let ending = await follower.follow(RunStreamRequest(assistant: assistant, start: .input(input))) { update in
            if jsonl, let line = Self.json(update) { write(JSON.serialize(line) + "\n") }
            switch update {
            case .branchOpened(let branch) where !jsonl: progress("chorus: \(SafeText.sanitize(branch, keepNewlines: false)) started")
            case .branchesDone where !jsonl: progress("chorus: branches done")
            case .answerToken(let text):
                answer += text
                if !jsonl { write(SafeText.sanitize(text)) }
            case .values(let values): last = values
            default: break
            }
        }
        try ending.check()
        // Nothing streamed after the branches: the state says the answer.
        if answer.isEmpty {
            let research = StateView<ResearchGraph.State>(last), chat = StateView<ChatGraph.State>(last)
            answer = ((try? research.answer) ?? nil) ?? (try? chat.messages.last?.content) ?? ""
            if !jsonl { write(SafeText.sanitize(answer)) }
        }
        if jsonl { write(JSON.serialize(["event": "final", "thread_id": .string(thread.id), "answer": .string(SafeText.sanitize(answer))]) + "\n") }
        else { write("\n") }
        return thread.id
    }

    /// One event as a JSON object; nil for what a line would not help with.
    static func json(_ update: RemoteRunUpdate) -> Value? {
        switch update {
        case .started(let id): ["event": "run_start", "run_id": .string(id)]
        case .token(let text, _, let node, let step): ["event": "token", "node": .string(node), "step": .int(step), "text": .string(SafeText.sanitize(text))]
        case .branchOpened(let branch): ["event": "branch_start", "branch": .string(branch)]
        case .branchToken(let branch, let text): ["event": "branch_token", "branch": .string(branch), "text": .string(SafeText.sanitize(text))]
        case .branchesDone: ["event": "branches_done"]
        case .answerToken(let text): ["event": "answer_token", "text": .string(SafeText.sanitize(text))]
        case .interrupted(let interrupts): ["event": "interrupt", "values": .array(interrupts.map(\.value))]
        case .failed(let message): ["event": "run_error", "message": .string(SafeText.sanitize(message, keepNewlines: false))]
        case .custom(let value): ["event": "custom", "data": value]
        case .toolCalled(let id, let name, let arguments): ["event": "tool_start", "id": .string(id), "name": .string(SafeText.sanitize(name, keepNewlines: false)), "input": arguments]
        case .toolReturned(let id, let output): ["event": "tool_end", "id": .string(id), "output": .string(SafeText.sanitize(output))]
        case .values: nil
        }
    }
}
