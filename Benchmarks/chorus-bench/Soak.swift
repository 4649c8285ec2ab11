import ChorusApp
import ChorusGraph
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation

/// `soak` (only when named; not part of the default run): the whole app
/// in-process, replies streaming one after another for
/// `CHORUS_SOAK_MINUTES` (default 120) into 8 rotating threads, a fresh
/// thread replacing the oldest every 40 replies. Logs the resident set and
/// the heap in use (what malloc handed out and did not get back) every
/// `CHORUS_SOAK_SAMPLE_SECONDS` (default 60) and reports their growth after
/// the first fifth of the run (the warm-up).
enum Soak {
    static func run() async throws -> Value {
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
        while Bench.now() < end {
            if Bench.now() >= nextSample {
                let sample = measure()
                samples.append(sample)
                Bench.log(String(format: "soak: %.1f min, %d replies, RSS %.1f MiB, heap in use %.1f MiB", sample.0, replies, sample.1, sample.2))
                nextSample += UInt64(sampleEvery * 1e9)
            }
            if replies % 40 == 0 {
                terminal.input(.key(.ctrl("t")))
            } else {
                terminal.input(.key(.alt(Character(String(1 + replies % 8)))))
            }
            for ch in "soak \(replies)" { terminal.input(.key(.character(ch))) }
            terminal.input(.key(.enter))
            try await terminal.until { $0.contains("You wrote: “soak \(replies)”") && !$0.contains("▌") && $0.contains("lost.") }
            replies += 1
        }
        samples.append(measure())
        terminal.input(.key(.ctrl("q")))
        _ = await running.value

        let warm = samples.filter { $0.minute >= minutes / 5 }
        let growth = (warm.last?.mib ?? 0) - (warm.first?.mib ?? 0)
        let heapGrowth = (warm.last?.heapMiB ?? 0) - (warm.first?.heapMiB ?? 0)
        return [
            "minutes": Bench.round(minutes, 1), "replies": .int(replies),
            "rss_and_heap_mib_by_minute": .array(samples.map { .array([Bench.round($0.minute, 1), Bench.round($0.mib, 1), Bench.round($0.heapMiB, 1)]) }),
            "rss_growth_after_warmup_mib": Bench.round(growth, 1),
            "heap_growth_after_warmup_mib": Bench.round(heapGrowth, 1),
            "peak_rss_mib": Bench.round(Double(Bench.peakRSSKiB()) / 1024, 1),
        ]
    }
}
