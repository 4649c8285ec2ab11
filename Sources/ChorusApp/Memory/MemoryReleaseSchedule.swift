/// When the app gives malloc's free pages back: when the last streaming
/// reply ends (its stream's buffers and the transcript copies it made are
/// free then), and at most once per `interval`, so a busy session does not
/// pay for it after every reply.
struct MemoryReleaseSchedule {
    let interval: Duration
    private var last: ContinuousClock.Instant?

    init(interval: Duration = .seconds(10)) { self.interval = interval }

    /// Whether to release now, given that a reply just ended and whether
    /// others still stream; records the release when it says yes.
    mutating func replyEnded(at now: ContinuousClock.Instant, othersStreaming: Bool) -> Bool {
        guard !othersStreaming else { return false }
        if let last, now - last < interval { return false }
        last = now
        return true
    }
}
