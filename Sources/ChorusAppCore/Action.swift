/// What a bound key does. The names are the keys of `[keys]` in config.toml.
public enum Action: String, Sendable, CaseIterable {
    case send, newline, cancel = "cancel_reply", newThread = "new_thread", nextThread = "next_thread"
    case previousThread = "previous_thread", quickSwitcher = "quick_switcher", toggleThreadList = "toggle_thread_list"
    case searchThreads = "search_threads", help, quit, regenerate, editLast = "edit_last_message", copyMode = "copy_message"
    case nextTheme = "next_theme", pickModel = "pick_model", focusThreadList = "focus_thread_list", toggleToolDetails = "toggle_tool_details"
    case pickTools = "pick_tools"
    case scrollUp = "scroll_up", scrollDown = "scroll_down", scrollTop = "scroll_top", scrollBottom = "scroll_bottom"
    case thread1 = "thread_1", thread2 = "thread_2", thread3 = "thread_3", thread4 = "thread_4", thread5 = "thread_5"
    case thread6 = "thread_6", thread7 = "thread_7", thread8 = "thread_8", thread9 = "thread_9"

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .send: return "send the message"
        case .newline: return "new line in the message"
        case .cancel: return "cancel the reply (keeps what arrived)"
        case .newThread: return "new thread"
        case .nextThread: return "next thread"
        case .previousThread: return "previous thread"
        case .quickSwitcher: return "quick switcher (fuzzy)"
        case .toggleThreadList: return "show or hide the thread list"
        case .searchThreads: return "search all messages"
        case .help: return "this help (also ? on empty input)"
        case .quit: return "quit (also Ctrl-D on empty input)"
        case .regenerate: return "regenerate the last reply"
        case .editLast: return "edit the last message"
        case .copyMode: return "select a message to copy"
        case .nextTheme: return "next theme"
        case .pickModel: return "choose this thread's model"
        case .focusThreadList: return "move focus to the thread list and back"
        case .toggleToolDetails: return "show tool calls whole, or one line each"
        case .pickTools: return "the MCP servers' tools: Space turns one on or off"
        case .scrollUp: return "scroll up a page"
        case .scrollDown: return "scroll down a page"
        case .scrollTop: return "scroll to the top"
        case .scrollBottom: return "scroll to the end"
        default: return "open thread \(rawValue.suffix(1)) of the list"
        }
    }

    /// The position for `thread_N` actions.
    public var threadNumber: Int? { rawValue.hasPrefix("thread_") ? Int(rawValue.dropFirst(7)) : nil }
}
