import NIOCore

/// Server-sent events as LangGraph Platform frames them: CRLF line ends,
/// one `data:` line of compact JSON, an `id:` line on resumable streams.
enum SSEFrame {
    static func event(_ name: String, data: String, id: String? = nil) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(name.utf8.count + data.utf8.count + 32)
        buffer.writeString("event: ")
        buffer.writeString(name)
        buffer.writeString("\r\ndata: ")
        buffer.writeString(data)
        if let id {
            buffer.writeString("\r\nid: ")
            buffer.writeString(id)
        }
        buffer.writeString("\r\n\r\n")
        return buffer
    }

    /// The comment sent every few seconds so proxies keep an idle stream open.
    static let heartbeat = ByteBuffer(string: ": heartbeat\r\n\r\n")
}
