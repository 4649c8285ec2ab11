/// How long a server keeps what finished runs leave, whichever run queue
/// holds them: the same rules in memory and on PostgreSQL.
public struct RunRetention: Sendable, Equatable {
    /// The newest this many finished runs are kept (`runs.get`, `runs.list`)…
    public var records: Int
    /// …and none that ended longer ago than this.
    public var recordsFor: Duration
    /// A finished run's events (a late `join`, a `Last-Event-ID` reconnect) are kept this long.
    public var eventsFor: Duration
    /// The newest this many finished runs keep their final state for `join`,
    /// and every run for `valuesFor` after it ends; an older run's `join` reads its thread.
    public var valuesOfNewest: Int
    public var valuesFor: Duration

    public init(records: Int = 10_000, recordsFor: Duration = .seconds(7 * 86_400), eventsFor: Duration = .seconds(3600),
                valuesOfNewest: Int = 100, valuesFor: Duration = .seconds(300)) {
        self.records = records
        self.recordsFor = recordsFor
        self.eventsFor = eventsFor
        self.valuesOfNewest = valuesOfNewest
        self.valuesFor = valuesFor
    }
}
