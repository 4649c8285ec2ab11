import ChorusRuns
import ChorusStore
import ChorusTUI
import Foundation

/// Everything the chat screen shows. Only `update` changes it; `view` draws it.
public struct AppModel {
    public var width = 80
    public var height = 24
    public var threads: [ThreadRecord] = []
    /// The conversation on screen.
    public var current = ThreadKey.draft
    public var conversations: [ThreadKey: [TranscriptEntry]] = [:]
    /// Threads whose transcript is being read, with how many of their entries
    /// the read replaces: entries added meanwhile are newer than the read.
    var transcriptReads: [ThreadKey: Int] = [:]
    /// Research runs by thread id, live or loaded.
    public var research: [ThreadKey: ResearchState] = [:]
    /// In a research thread: show its transcript (question and answer) instead of the panes.
    public var researchTranscript = false
    /// Replies streaming now, by conversation.
    public var replies: [ThreadKey: ReplyProgress] = [:]
    /// How full each thread's conversation is, from its last model call (shown in the status bar).
    public var contextFill: [ThreadKey: ContextFill] = [:]
    /// What each thread's model calls spent, from its saved messages and the replies since (status bar).
    public var spent: [ThreadKey: UsageTally] = [:]
    /// Each thread's last finished reply's model calls (status bar).
    public var lastReply: [ThreadKey: UsageTally] = [:]
    /// Tool calls waiting for the user's y / n / a, by thread id.
    public var approvals: [ThreadKey: PendingApproval] = [:]
    /// What a thread's `interrupt()` asks, waiting for a typed answer, by thread id.
    public var questions: [ThreadKey: String] = [:]
    /// The MCP servers' tools as the tools overlay shows them (loaded when it opens).
    public var toolList: [ToolRow] = []
    public var editor = TextEditor()
    /// Unsent input of the conversations not on screen, and of the current one as last saved.
    public var drafts: [ThreadKey: String] = [:]
    public var transcript = TranscriptView()
    /// What was sent, oldest first, for Up/Down: the last `historyLimit` entries.
    public private(set) var history: [String] = []
    /// Position while browsing history with Up/Down (nil: not browsing).
    public var historyIndex: Int?
    public var showThreadList = true
    public var focus: Focus = .input
    /// Highlighted row of the thread list when it has focus.
    public var listSelection = 0
    public var overlay: Overlay?
    public var theme: Theme
    public var themes: [Theme]
    public var keymap: Keymap
    /// Provider for new threads (a name from ModelCatalog or config).
    public var defaultProvider: String
    /// The provider chosen for the draft before it is saved.
    public var draftProvider: String?
    /// Providers the model picker offers.
    public var providerChoices: [String]
    /// What answers in a thread: `model` (a provider, locally) or `assistant` (a LangGraph server's graph).
    public var runnerName = "model"
    /// A one-line notice in the status bar (errors, "copied …").
    public var notice: String?
    public var now = Date()
    public var quitting = false
    /// The signal that asked the app to stop (it exits with 128 + signal); nil when the user quit.
    public var stoppedBy: Int32?

    public enum Focus: Sendable, Equatable { case input, threadList }

    public init(theme: Theme, themes: [Theme], keymap: Keymap, defaultProvider: String, providerChoices: [String]) {
        self.theme = theme
        self.themes = themes
        self.keymap = keymap
        self.defaultProvider = defaultProvider
        self.providerChoices = providerChoices
    }

    /// The current conversation's entries.
    public var entries: [TranscriptEntry] { conversations[current] ?? [] }

    public var currentThread: ThreadRecord? { current.threadId.flatMap { id in threads.first { $0.id == id } } }

    /// Provider of the current thread (its own choice, else the default).
    public var currentProvider: String { provider(of: current) }

    public func provider(of key: ThreadKey) -> String {
        guard let id = key.threadId else { return draftProvider ?? defaultProvider }
        return threads.first { $0.id == id }?.provider ?? defaultProvider
    }

    /// The research shown, when the current thread is a research thread.
    public var currentResearch: ResearchState? {
        guard !researchTranscript else { return nil }
        return research[current]
    }

    /// The entry chosen in copy mode, shown selected.
    public var copySelectionId: String? {
        guard case .copy(let index) = overlay, entries.indices.contains(index) else { return nil }
        return entries[index].id
    }

    /// Whether the current thread is streaming a reply.
    public var isReplying: Bool { replies[current] != nil }

    /// Entries Up/Down can recall; older ones are let go, so a long session does not grow.
    public static let historyLimit = 1_000

    /// Adds a sent text to the history, unless it repeats the last one.
    mutating func remember(_ text: String) {
        guard history.last != text else { return }
        history.append(text)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }
}

/// A reply being streamed: where it goes and how far it got.
public struct ReplyProgress: Sendable, Equatable {
    public var entryId: String
    public var startedAt: Date
    public var tokens = 0
    public var node: String?
    public var step: Int?
    /// Set while the model call waits to be tried again.
    public var retry: ProviderRetry?
    /// The tool running now, if any.
    public var tool: String?
    /// The reply's model calls so far.
    public var usage = UsageTally()
}

/// A tool in the tools overlay (names sanitized for the screen).
public struct ToolRow: Sendable, Equatable {
    public var server: String
    /// The name the model knows it by.
    public var name: String
    /// It asks before it runs.
    public var asks: Bool
    public var enabled: Bool

    public init(server: String, name: String, asks: Bool, enabled: Bool) {
        self.server = server
        self.name = name
        self.asks = asks
        self.enabled = enabled
    }
}

/// A tool call that waits for the user's approval (sanitized for the screen).
public struct PendingApproval: Sendable, Equatable {
    public var tool: String
    /// The arguments as one line of JSON.
    public var arguments: String

    public init(tool: String, arguments: String) {
        self.tool = tool
        self.arguments = arguments
    }
}

/// A box drawn over the chat.
public enum Overlay: Equatable {
    /// F1: the keys, scrolled down by `scroll` lines when taller than the screen.
    case help(scroll: Int)
    /// Ctrl-K: fuzzy filter over thread titles.
    case switcher(query: TextEditor, selection: Int)
    /// Ctrl-F: full-text search over all messages.
    case search(query: TextEditor, hits: [SearchHit], selection: Int)
    case confirmDelete(threadId: String)
    case rename(threadId: String, title: TextEditor)
    case modelPicker(selection: Int)
    /// Alt-O: the MCP servers' tools, each switched on or off with Space.
    case tools(selection: Int)
    /// Ctrl-Y: pick a message with Up/Down, Enter copies it.
    case copy(index: Int)
}
