import ChorusGraph
import ChorusRuns
import ChorusStore
import ChorusTUI
import Foundation

/// Everything that can happen to the app, as one value `update` handles.
public enum Msg: Sendable {
    case terminal(TerminalEvent)
    /// A frame is due (rendering is coalesced to one per 16 ms).
    case frame
    /// Once a second while a reply streams, for the elapsed time.
    case tick(Date)
    case threadsLoaded([ThreadRecord])
    /// Unsent input saved by an earlier session, by conversation.
    case draftsLoaded([ThreadKey: String])
    case transcriptLoaded(threadId: String, [TranscriptEntry])
    /// The draft became a saved thread on its first message.
    case threadCreated(ThreadRecord)
    case token(threadId: String, entryId: String, text: String, node: String, step: Int)
    case replyEnded(thread: ThreadKey, entryId: String, ReplyOutcome)
    /// The thread's model call failed before its first token and is tried again.
    case retrying(threadId: String, ProviderRetry)
    /// A model call of the thread ended: its tokens (what the conversation now takes), cost and the model's window when known.
    case usageReported(threadId: String, RunUsage)
    /// A tool call started in the thread's reply (`callId` pairs it with its end).
    case toolStarted(threadId: String, callId: String, name: String, arguments: Value)
    case toolEnded(threadId: String, callId: String, output: String, seconds: Double)
    /// The thread's run stopped to ask: before a tool that can change things runs, or at an `interrupt()`.
    case inputNeeded(threadId: String, PendingInput)
    /// A reply's run streams branches side by side (or what follows them).
    case fanOut(threadId: String, FanOutEvent)
    /// `/tools`: each server's tools, one line per server.
    case toolsListed([String])
    /// The tools overlay's rows.
    case toolsLoaded([ToolRow])
    case searchResults(query: String, [SearchHit])
    /// A research run was saved as a thread and starts.
    case researchStarted(ThreadRecord, ResearchState)
    case researchUpdate(threadId: String, RunUpdate)
    /// A research run ended (its last update may already have said how).
    case researchEnded(threadId: String, ReplyOutcome)
    case researchLoaded(threadId: String, ResearchState)
    /// A line for the status bar: a store or model failure, "copied …".
    case notice(String)
    /// Messages of running replies wait in the runtime's `RunMailbox`.
    case runMail
}

/// What a reply's run that fans out reports: panes named after the branches' node.
public enum FanOutEvent: Sendable, Equatable {
    /// A branch started streaming; it gets a pane.
    case opened(String)
    case token(branch: String, text: String)
    /// The step of the branches ended.
    case branchesDone
    /// A token of what follows the branches.
    case answer(String)
}

/// How a reply ended.
public enum ReplyOutcome: Sendable, Equatable {
    case done, cancelled
    case failed(String)
}
