/// What a client asked of a run it stops.
enum CancelAction: String, Sendable {
    /// Stop it; what it did stays on its thread.
    case interrupt
    /// Stop it and undo it: its thread is as before it, and the run is forgotten.
    case rollback
}
