import ChorusGraph
import ChorusSupport
import Foundation

/// The lines a child process writes to a pipe, as they arrive (without
/// their newline); the sequence ends when the pipe closes.
public func lines(of handle: FileHandle) -> AsyncStream<String> {
    AsyncStream { continuation in
        let pending = Locked(Data())
        handle.readabilityHandler = { h in
            let data = h.availableData
            if data.isEmpty {
                h.readabilityHandler = nil
                continuation.finish()
                return
            }
            let complete: [String] = pending.withLock { buffer in
                buffer.append(data)
                var lines: [String] = []
                while let newline = buffer.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
                return lines
            }
            for line in complete { continuation.yield(line) }
        }
    }
}
