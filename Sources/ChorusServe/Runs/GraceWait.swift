/// How a server that shuts down lets its runs finish: it waits for their
/// ends (no polling), and when `grace` runs out first, `expire` stops the rest.
enum GraceWait {
    /// Returns once every run in `runs` has ended; after `grace`, `expire` is
    /// called once (it stops what still runs, which then ends).
    static func untilEnded(_ runs: [ServedRun], grace: Duration, expire: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for run in runs { await run.log.waitForEnd() } }
            group.addTask {
                do { try await Task.sleep(for: grace) } catch { return }
                await expire()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
