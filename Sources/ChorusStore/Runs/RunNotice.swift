/// What the instances serving one run queue tell each other about runs
/// (on PostgreSQL, one LISTEN channel; in memory, every subscriber).
public enum RunNotice: Sendable, Equatable {
    /// A run was queued or handed back: claim what is pending.
    case queued
    /// A client asked to stop this run.
    case cancel(runId: String)
    /// These runs have new events.
    case events(runIds: [String])
    /// This run ended.
    case ended(runId: String)
    /// A run was submitted on this thread (for those who follow the thread's runs).
    case submitted(threadId: String)
    /// Listening (again): notices sent before were not heard.
    case resync
}
