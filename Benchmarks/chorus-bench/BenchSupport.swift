import CHeapUsage
import ChorusGraph
#if canImport(Glibc)
import Glibc
#endif

/// Timing and reporting shared by the workloads (WORKLOADS.md "General rules").
enum Bench {
    static let quick = CommandLine.arguments.contains("--quick")

    /// `--scale N` multiplies repetitions, for profiling runs.
    static let scale: Int = {
        let args = CommandLine.arguments
        guard let i = args.firstIndex(of: "--scale"), i + 1 < args.count else { return 1 }
        return max(1, Int(args[i + 1]) ?? 1)
    }()

    /// (warm-up, repetitions), lowered for `--quick` smoke runs.
    static func plan(_ warmup: Int, _ reps: Int, quick q: (Int, Int) = (1, 2)) -> (Int, Int) {
        quick ? q : (warmup, reps * scale)
    }

    static func now() -> UInt64 { DispatchClock.nanoseconds() }

    /// Runs `body` untimed `warmup` times, then times `reps` calls; seconds each.
    static func time(warmup: Int, reps: Int, _ body: () async throws -> Void) async throws -> [Double] {
        for _ in 0..<warmup { try await body() }
        var samples: [Double] = []
        for _ in 0..<reps {
            let t0 = now()
            try await body()
            samples.append(Double(now() - t0) / 1e9)
        }
        return samples
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func round(_ x: Double, _ digits: Int = 2) -> Value {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return .double((x * p).rounded() / p)
    }

    static func log(_ text: String) {
        let line = Array(("[bench] " + text + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func check(_ condition: Bool, _ what: String) throws {
        if !condition { throw BenchFailure(what: what) }
    }

    static func loadavg() -> Value {
        var loads = [Double](repeating: 0, count: 3)
        guard getloadavg(&loads, 3) == 3 else { return .null }
        return .array(loads.map { round($0) })
    }

    /// Peak resident set of this process in KiB (`VmHWM`).
    static func peakRSSKiB() -> Int { statusKiB("VmHWM") }

    /// Current resident set of this process in KiB (`VmRSS`).
    static func currentRSSKiB() -> Int { statusKiB("VmRSS") }

    /// Bytes the allocator has handed out and not had back (glibc's `mallinfo2`):
    /// what the program holds, without the free memory malloc keeps for reuse.
    static func heapInUseKiB() -> Int {
        Int(chorus_heap_in_use()) / 1024
    }

    /// A `… kB` field of `/proc/self/status`.
    private static func statusKiB(_ field: String) -> Int {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let n = fread(&bytes, 1, bytes.count, f)
        let text = String(decoding: bytes[0..<n], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(String(line.dropFirst(field.count + 1)).trimmed(" \tkB")) ?? 0
        }
        return 0
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let what: String
    var description: String { "validation failed: \(what)" }
}

enum DispatchClock {
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

extension String {
    func trimmed(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let c = s.first, chars.contains(c) { s = s.dropFirst() }
        while let c = s.last, chars.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
