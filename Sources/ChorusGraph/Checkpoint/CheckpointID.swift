import ChorusSupport
import Foundation

/// Makes checkpoint ids that sort in creation order: microseconds since the
/// epoch (strictly increasing within a process) and a random tag drawn once
/// per process, so two processes writing one database never collide.
public enum CheckpointID {
    private static let last = Locked<UInt64>(0)
    private static let processTag = hex(UInt64(UInt32.random(in: 0...UInt32.max)), width: 8)

    public static func next() -> String {
        let now = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let stamp = last.withLock { last in
            last = max(now, last + 1)
            return last
        }
        return hex(stamp, width: 16) + "-" + processTag
    }

    /// The prefix of ids made at `date`: ids made at or after it compare `>=` to it.
    public static func prefix(for date: Date) -> String {
        hex(UInt64(max(0, date.timeIntervalSince1970 * 1_000_000)), width: 16)
    }

    /// When the checkpoint with this id was made; nil for an id not made here.
    public static func date(of id: String) -> Date? {
        guard let micros = UInt64(id.prefix(16), radix: 16) else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    private static func hex(_ v: UInt64, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
