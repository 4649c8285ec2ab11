import ChorusGraph
import Foundation

/// The graph the crash tests kill mid-run: `fast` and `slow` run in parallel
/// from START, a join waits for both, then `c1` and `c2` run in a line.
/// Every node records that it ran in `ranLog` (appended and synced before it
/// returns), so a test can count executions across processes.
public enum CrashProbeGraph {
    /// The log the probe's run starts with: ten entries, so the list is
    /// stored item by item (the way long message lists are).
    public static let seedLog = (0..<10).map { "seed-\($0)" }

    public static func make(ranLog: String, slowDelay: Duration, checkpointer: any Checkpointer) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        func node(_ name: String, delay: Duration) {
            g.addNode(name) { _, _ in
                try await Task.sleep(for: delay)
                try RanLog.record(name, in: ranLog)
                return .update(["log": [.string(name)]])
            }
        }
        node("fast", delay: .zero)
        node("slow", delay: slowDelay)
        node("c1", delay: .milliseconds(5))
        node("c2", delay: .milliseconds(5))
        g.addEdge(START, "fast")
        g.addEdge(START, "slow")
        g.addEdge(from: ["fast", "slow"], to: "c1")
        g.addEdge("c1", "c2")
        return try g.compile(checkpointer: checkpointer)
    }
}

/// An append-only file of node names, one per line, synced on every write.
public enum RanLog {
    public static func record(_ name: String, in path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        let line = Array((name + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
    }

    public static func read(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
