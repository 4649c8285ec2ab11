import ServiceLifecycle

/// Runs alongside the HTTP server: sends heartbeats to every open run
/// stream, and on shutdown lets runs reach their end (bounded), then
/// interrupts the rest so their threads can be resumed.
struct RunLifecycleService: Service {
    let runs: RunManager
    let grace: Duration
    static let heartbeatInterval = Duration.seconds(5)

    func run() async throws {
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.heartbeatInterval)
                await runs.heartbeat()
            }
        }
        defer { beats.cancel() }
        try? await gracefulShutdown()
        await runs.shutdown(grace: grace)
    }
}
