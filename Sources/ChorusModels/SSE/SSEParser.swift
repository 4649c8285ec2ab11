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
        var input = Array(bytes)
        if atStart {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            var used = 0
            while used < input.count && bomProgress < 3 && input[used] == bom[bomProgress] {
                bomProgress += 1
                used += 1
            }
            if bomProgress == 3 || used < input.count {
                atStart = false
                if bomProgress < 3 {
                    // Not a BOM after all: the bytes taken for one are text.
                    input = Array(bom.prefix(bomProgress)) + input[used...]
                } else {
                    input.removeFirst(used)
                }
                bomProgress = 0
            } else {
                return []
            }
        }
        var events: [SSEEvent] = []
        var start = 0
        var i = 0
        let count = input.count
        while i < count {
            // Skip to the next line end without per-byte bounds checks.
            i = input.withUnsafeBufferPointer { bytes in
                var j = i
                while j < count && bytes[j] != 0x0A && bytes[j] != 0x0D { j += 1 }
                return j
            }
            if i > start { afterCR = false }
            guard i < count else { break }
            let byte = input[i]
            if afterCR && byte == 0x0A && i == start && line.isEmpty {
                // The LF of a CRLF split across two chunks.
                afterCR = false
                i += 1
                start = i
                continue
            }
            if line.isEmpty {
                endLine(input[start..<i], into: &events)
            } else {
                line.append(contentsOf: input[start..<i])
                endLine(line[...], into: &events)
                line.removeAll(keepingCapacity: true)
            }
            afterCR = byte == 0x0D
            i += 1
            if afterCR && i < count && input[i] == 0x0A {
                afterCR = false
                i += 1
            }
            start = i
        }
        if start < count { line.append(contentsOf: input[start..<count]) }
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

    private static let dataName: [UInt8] = Array("data".utf8)
    private static let eventName: [UInt8] = Array("event".utf8)
    private static let idName: [UInt8] = Array("id".utf8)
    private static let retryName: [UInt8] = Array("retry".utf8)

    private mutating func endLine(_ line: ArraySlice<UInt8>, into events: inout [SSEEvent]) {
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        var name = line
        var value: ArraySlice<UInt8> = []
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        }
        if name.elementsEqual(Self.dataName) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if name.elementsEqual(Self.eventName) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if name.elementsEqual(Self.idName) {
            if !value.contains(0) { lastEventId = String(decoding: value, as: UTF8.self) }
        } else if name.elementsEqual(Self.retryName) {
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = ""
        }
        guard hasData else { return }
        events.append(SSEEvent(type: eventType.isEmpty ? "message" : eventType, data: String(decoding: data, as: UTF8.self),
                               lastEventId: lastEventId, retry: retry))
    }
}
