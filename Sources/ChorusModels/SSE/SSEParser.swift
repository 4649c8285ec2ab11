/// An incremental Server-Sent Events parser written against the WHATWG spec:
/// bytes arrive in arbitrary network chunks; lines end in LF, CRLF or CR
/// (even when a CRLF is split across chunks); a leading BOM is skipped;
/// comments (`:`) are ignored; `data` lines accumulate; a blank line
/// dispatches; `id` persists and ignores values with NUL; `retry` takes
/// digits only.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var bomProgress = 0
    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventId = ""
    private var retry: Int?

    public init() {}

    /// Feeds bytes; returns the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [SSEEvent] where Bytes.Element == UInt8 {
        var events: [SSEEvent] = []
        for byte in bytes {
            if atStart {
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[bomProgress] {
                    bomProgress += 1
                    if bomProgress == 3 { atStart = false }
                    continue
                }
                atStart = false
                if bomProgress > 0 {
                    let partial = Array(bom.prefix(bomProgress))
                    bomProgress = 0
                    for b in partial { consume(b, into: &events) }
                }
            }
            consume(byte, into: &events)
        }
        return events
    }

    /// The stream ended: an event without its blank line is dropped, per spec.
    public mutating func finish() -> [SSEEvent] {
        line = []
        data = []
        hasData = false
        eventType = ""
        return []
    }

    private mutating func consume(_ byte: UInt8, into events: inout [SSEEvent]) {
        if afterCR {
            afterCR = false
            if byte == 0x0A { return }
        }
        switch byte {
        case 0x0D:
            afterCR = true
            endLine(into: &events)
        case 0x0A:
            endLine(into: &events)
        default:
            line.append(byte)
        }
    }

    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line = [] }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        var name = line[...]
        var value: ArraySlice<UInt8> = []
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        }
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { lastEventId = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            data = []
            hasData = false
            eventType = ""
        }
        guard hasData else { return }
        events.append(SSEEvent(type: eventType.isEmpty ? "message" : eventType, data: String(decoding: data, as: UTF8.self),
                               lastEventId: lastEventId, retry: retry))
    }
}
