import ChorusGraph
import ChorusProcess
import ChorusSupport
import Dispatch
import Foundation
import Logging
import MCP

/// MCP's stdio transport (one JSON-RPC message per line) over a process
/// started with `ChildProcess`, used with the SDK's `Client` in place of its
/// own `StdioTransport`, which polls its descriptors every 10 ms, never
/// fails calls waiting on a server that died, and spins when the pipe ends.
///
/// Here a thread outside the cooperative pool blocks in `read(2)`; the end of
/// the server's output fails the message stream (which ends the client's
/// read loop instead of restarting it) and calls `onClose`, whose owner then
/// disconnects the client so its pending calls fail at once. The server's
/// standard error is kept (its last 4 KiB) to explain a failed start.
actor ChildProcessTransport: Transport {
    nonisolated let logger: Logger
    private let process: ChildProcess
    private let messages: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private let errorTail: StandardErrorTail
    private let onClose: @Sendable () -> Void
    private var reading = false

    /// The longest message accepted from a server, in bytes; a longer line closes the connection.
    static let maxMessageBytes = 32 << 20

    init(process: ChildProcess, logger: Logger, onClose: @escaping @Sendable () -> Void) {
        self.process = process
        self.logger = logger
        self.onClose = onClose
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: Swift.Error.self)
        errorTail = StandardErrorTail()
        // A write to a server that has exited must fail with EPIPE, not kill Chorus.
        signal(SIGPIPE, SIG_IGN)
    }

    func connect() async throws {
        guard !reading, let output = process.standardOutput else { return }
        reading = true
        let continuation = self.continuation, onClose = self.onClose, logger = self.logger
        let fd = output.fileDescriptor
        DispatchQueue(label: "chorus.mcp.read").async {
            Self.readLines(fd: fd, into: continuation, logger: logger)
            onClose()
        }
        if let standardError = process.standardError {
            let tail = errorTail
            DispatchQueue(label: "chorus.mcp.stderr").async { tail.drain(standardError.fileDescriptor) }
        }
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        guard let input = process.standardInput else { throw MCPError.connectionClosed }
        var framed = data
        framed.append(0x0A)
        let line = framed, fd = input.fileDescriptor
        let failed: Int32? = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Self.writeAll(line, to: fd)) }
        }
        if let failed { throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: failed) ?? .EIO)) }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { messages }

    /// What the server wrote on standard error last (up to 4 KiB), for error messages.
    nonisolated var standardErrorTail: String { errorTail.text }

    private static func readLines(fd: Int32, into continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation, logger: Logger) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continuation.yield(Data(line)) }
            }
            if pending.count > maxMessageBytes {
                logger.error("MCP server sent a message over \(maxMessageBytes) bytes; closing")
                break
            }
        }
        continuation.finish(throwing: MCPError.connectionClosed)
    }

    /// Writes every byte; the errno of a failed write, or nil.
    private static func writeAll(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}

/// The last 4 KiB a server wrote on its standard error.
final class StandardErrorTail: Sendable {
    private let bytes = Locked<[UInt8]>([])
    private static let limit = 4096

    func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            bytes.withLock { tail in
                tail.append(contentsOf: buffer[0..<count])
                if tail.count > Self.limit { tail.removeFirst(tail.count - Self.limit) }
            }
        }
    }

    var text: String {
        String(decoding: bytes.withLock { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
