import NIOCore
import NIOHTTP1

/// A response whose body is still arriving: each part is read as NIO
/// decoded it, so every byte received before the server closed the
/// connection is read before the error that the close caused.
struct ProviderHTTPResponse {
    let head: HTTPResponseHead
    var parts: AsyncThrowingStream<HTTPClientResponsePart, any Error>.AsyncIterator

    var status: Int { Int(head.status.code) }

    /// The next piece of the body, or nil at its end.
    mutating func nextBodyPart() async throws -> ByteBuffer? {
        while true {
            switch try await parts.next() {
            case .body(let bytes): return bytes
            case .end: return nil
            case .head: continue
            case nil:
                // The stream ends without `.end` only when this task was cancelled.
                try Task.checkCancellation()
                throw ProviderHTTPError.closed
            }
        }
    }

    /// The body as text, at most `limit` bytes of it (an error body, for its message).
    mutating func text(upTo limit: Int) async throws -> String {
        var text = ByteBuffer()
        while let part = try await nextBodyPart(), text.readableBytes < limit {
            var part = part
            text.writeBuffer(&part)
        }
        return String(buffer: text.getSlice(at: text.readerIndex, length: min(limit, text.readableBytes)) ?? text)
    }
}
