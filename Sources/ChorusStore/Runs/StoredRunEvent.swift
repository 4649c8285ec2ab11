/// One event of a run's stream as kept for other instances and for replay.
public struct StoredRunEvent: Sendable, Equatable {
    public var runId: String
    public var seq: Int
    public var event: String
    public var data: String

    public init(runId: String, seq: Int, event: String, data: String) {
        self.runId = runId
        self.seq = seq
        self.event = event
        self.data = data
    }
}
