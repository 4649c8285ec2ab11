import ChorusAgents
import ChorusStore

/// Work `update` asks for; the runtime performs it and reports back with `Msg`s.
public enum Effect: Sendable, Equatable {
    case loadThreads
    case loadDrafts
    /// Saves the unsent input of a thread (empty text removes it).
    case saveDraft(ThreadKey, text: String)
    case loadTranscript(threadId: String)
    /// Sends `text` in the conversation (the draft is saved as a thread first) and streams the reply into `entryId`.
    case startReply(ThreadKey, userId: String, text: String, entryId: String, provider: String)
    /// Streams a new reply to the conversation as it is (regenerate).
    case regenerate(threadId: String, removing: [String], entryId: String, provider: String)
    /// Removes messages from a thread (edit-last).
    case removeMessages(threadId: String, ids: [String])
    /// `/compact`: compact the thread's conversation now, then show it again.
    case compact(threadId: String, provider: String)
    case cancelReply(ThreadKey)
    /// Answers what the thread waits for (a tool approval, an interrupt's question); the rest of the run streams.
    case answer(threadId: String, InputAnswer, provider: String)
    /// `/tools`: lists each MCP server's tools.
    case listTools
    /// Loads the tools overlay's rows.
    case loadTools
    /// Turns a tool on or off for the rest of the session.
    case setToolEnabled(name: String, enabled: Bool)
    case rename(threadId: String, title: String)
    case delete(threadId: String)
    case archive(threadId: String)
    case setProvider(threadId: String, provider: String)
    case search(String)
    /// Starts a research run on `question` in a new research thread.
    case startResearch(question: String)
    /// Goes on with a stopped research run; finished branches are kept.
    case resumeResearch(threadId: String)
    case cancelBranch(threadId: String, index: Int)
    case loadResearch(threadId: String)
    case copy(String)
    case quit
}
