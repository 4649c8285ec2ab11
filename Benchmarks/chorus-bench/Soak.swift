import ChorusApp
import ChorusGraph
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation

/// `soak` (only when named; not part of the default run): the whole app
/// in-process, replies streaming one after another for
/// `CHORUS_SOAK_MINUTES` (default 120) into 8 rotating threads, a fresh
/// thread replacing the oldest every 40 replies, so every thread stays the
/// size of a long chat (about 40 exchanges) and memory should level off.
/// Logs the resident set and the heap in use (what malloc handed out and
/// did not get back) every `CHORUS_SOAK_SAMPLE_SECONDS` (default 60) and
/// reports their growth after the first fifth of the run (the warm-up).
///
/// The app gives malloc's free pages back as it does for a user
/// (`MallocTuning`): the soak measures what a long session keeps.
///
/// The thread list is ordered by last reply, so the soak keeps that order
/// itself to know which Alt-digit reaches the thread it wants.
enum Soak {
    static func run() async throws -> Value {
        // As `chorus` does first thing (the soak runs alone, so no busy arena exists yet).
        let arenasLimited = MallocTuning.limitArenas()
        Bench.log("soak: malloc arenas \(arenasLimited ? "capped at \(MallocTuning.arenaLimit)" : "not capped (malloc is not glibc's)")")
        let environment = ProcessInfo.processInfo.environment
        let minutes = Double(environment["CHORUS_SOAK_MINUTES"] ?? "") ?? 120
        let sampleEvery = Double(environment["CHORUS_SOAK_SAMPLE_SECONDS"] ?? "") ?? 60
        let dir = NSTemporaryDirectory() + "chorus-bench-soak-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = try ChorusDatabase(path: dir + "/bench.sqlite")
        let terminal = RecordingTerminal()
        let runtime = try TerminalApp.app(database, terminal, environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "2000"])
        let running = Task { await runtime.run() }
        terminal.input(.resize(width: 120, height: 40))
        try await terminal.until { $0.contains("Message (Enter sends") }

        let start = Bench.now()
        let end = start + UInt64(minutes * 60e9)
        var nextSample = start
        var samples: [(minute: Double, mib: Double, heapMiB: Double)] = []
        func measure() -> (minute: Double, mib: Double, heapMiB: Double) {
            (Double(Bench.now() - start) / 60e9, Double(Bench.currentRSSKiB()) / 1024, Double(Bench.heapInUseKiB()) / 1024)
        }
        var replies = 0
        var rotation = ThreadRotation()
        while Bench.now() < end {
            if Bench.now() >= nextSample {
                let sample = measure()
                samples.append(sample)
                Bench.log(String(format: "soak: %.1f min, %d replies, RSS %.1f MiB, heap in use %.1f MiB", sample.0, replies, sample.1, sample.2))
                nextSample += UInt64(sampleEvery * 1e9)
            }
            if let position = rotation.position(forReply: replies) {
                terminal.input(.key(.alt(Character(String(position)))))
            } else {
                terminal.input(.key(.ctrl("t")))
            }
            for ch in "soak \(replies)" { terminal.input(.key(.character(ch))) }
            terminal.input(.key(.enter))
            // Generous: a soak that shares the machine may wait long for a core.
            try await terminal.until(within: .seconds(600)) {
                $0.contains("You wrote: “soak \(replies)”") && !$0.contains("▌") && $0.contains("lost.")
            }
            // The list reorders when it is read again after the reply; the next Alt-digit counts on that order.
            let top = "1 " + rotation.titleOfLastReplied
            try await terminal.until(within: .seconds(600)) { screen in
                screen.split(separator: "\n").dropFirst().first.map { $0.drop { $0 == " " || $0 == "›" }.hasPrefix(top + " ") } ?? false
            }
            replies += 1
        }
        samples.append(measure())
        terminal.input(.key(.ctrl("q")))
        _ = await running.value
        // What the store holds, to check the rotation kept every thread small.
        let threads = try await ThreadStore(database: database).list()

        let warm = samples.filter { $0.minute >= minutes / 5 }
        let growth = (warm.last?.mib ?? 0) - (warm.first?.mib ?? 0)
        let heapGrowth = (warm.last?.heapMiB ?? 0) - (warm.first?.heapMiB ?? 0)
        return [
            "minutes": Bench.round(minutes, 1), "malloc_arenas_capped": .bool(arenasLimited), "replies": .int(replies), "threads": .int(threads.count),
            "largest_thread_messages": .int(threads.map(\.messageCount).max() ?? 0),
            "rss_and_heap_mib_by_minute": .array(samples.map { .array([Bench.round($0.minute, 1), Bench.round($0.mib, 1), Bench.round($0.heapMiB, 1)]) }),
            "rss_growth_after_warmup_mib": Bench.round(growth, 1),
            "heap_growth_after_warmup_mib": Bench.round(heapGrowth, 1),
            "peak_rss_mib": Bench.round(Double(Bench.peakRSSKiB()) / 1024, 1),
        ]
    }
}

/// Which thread each soak reply goes to: every 40th opens a new thread, the
/// others go round the 8 newest. The thread list shows threads by last
/// reply; this mirrors that order to name the Alt-digit of the wanted one.
struct ThreadRotation {
    /// Threads opened so far (numbered from 0).
    private var created = 0
    /// Thread numbers, the one replied to last first (the live ones are
    /// always among the first 9; older ones only sink).
    private var byLastReply: [Int] = []

    /// The list position (1-based) of the thread reply `n` goes to, or nil
    /// when it opens a new thread.
    mutating func position(forReply n: Int) -> Int? {
        let thread: Int
        var position: Int?
        if n % 40 == 0 {
            thread = created
            created += 1
        } else {
            let live = max(0, created - 8)..<created
            thread = live.lowerBound + n % live.count
            let index = byLastReply.firstIndex(of: thread)!
            position = index + 1
            byLastReply.remove(at: index)
        }
        byLastReply.insert(thread, at: 0)
        if byLastReply.count > 16 { byLastReply.removeLast() }
        return position
    }

    /// The title of the thread replied to last: its first message, "soak"
    /// and the number of its first reply.
    var titleOfLastReplied: String { "soak \(byLastReply[0] * 40)" }
}
