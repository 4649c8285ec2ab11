/// How a fuzz input is read when a target needs more than the payload.
///
/// Chunked targets: byte 0 mod 8 is a count `n`, the next `n` bytes are
/// chunk lengths (each + 1, cycled), the rest is the payload; a leading 0
/// feeds the payload whole. Width targets: two bytes of width (mod 300, + 1),
/// then the payload.
enum FuzzInput {
    /// The payload cut into chunks at the points the header chooses.
    static func chunked(_ bytes: [UInt8]) -> (payload: [UInt8], chunks: [ArraySlice<UInt8>]) {
        guard let first = bytes.first else { return ([], []) }
        let n = min(Int(first % 8), bytes.count - 1)
        let lengths = bytes[1..<(1 + n)].map { Int($0) + 1 }
        let payload = Array(bytes[(1 + n)...])
        guard !lengths.isEmpty else { return (payload, [payload[...]]) }
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        var k = 0
        while start < payload.count {
            let end = min(payload.count, start + lengths[k % lengths.count])
            chunks.append(payload[start..<end])
            start = end
            k += 1
        }
        return (payload, chunks)
    }

    /// A width in 1…300 and the text after it.
    static func widthAndText(_ bytes: [UInt8]) -> (width: Int, text: String) {
        guard bytes.count >= 2 else { return (80, String(decoding: bytes, as: UTF8.self)) }
        let width = (Int(bytes[0]) << 8 | Int(bytes[1])) % 300 + 1
        return (width, String(decoding: bytes[2...], as: UTF8.self))
    }
}
