/// A 128-bit digest of a `Value`, computed by walking it (no JSON text is
/// built): two FNV-1a hashes with different offsets, fed the same bytes.
/// Objects are walked in key order, so key order does not matter; every
/// value carries a type tag, so `1`, `1.0`, `"1"` and `[1]` differ.
/// Not cryptographic: meant for keys that many distinct inputs map to.
struct ValueDigest {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x100_0000_01b3
    private static let digits = Array("0123456789abcdef".utf8)

    /// The digest of `value` as 32 hex digits.
    static func hex(_ value: Value) -> String {
        var digest = ValueDigest()
        digest.add(value)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            Self.writeHex(digest.a, into: buffer, at: 0)
            Self.writeHex(digest.b, into: buffer, at: 16)
            return 32
        }
    }

    private mutating func byte(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* Self.prime
        b = (b ^ UInt64(byte)) &* Self.prime
    }

    private mutating func word(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            byte(UInt8(truncatingIfNeeded: w))
            w >>= 8
        }
    }

    private mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes in for b in bytes { byte(b) } }
        word(UInt64(s.utf8.count))
    }

    private mutating func add(_ value: Value) {
        switch value {
        case .null: byte(0)
        case .bool(let v): byte(v ? 2 : 1)
        case .int(let i):
            byte(3)
            word(UInt64(bitPattern: Int64(i)))
        case .double(let d):
            byte(4)
            word(d.bitPattern)
        case .string(let s):
            byte(5)
            text(s)
        case .array(let items):
            byte(6)
            for item in items { add(item) }
            word(UInt64(items.count))
        case .object(let members):
            byte(7)
            for key in members.keys.sorted() {
                text(key)
                add(members[key]!)
            }
            word(UInt64(members.count))
        }
    }

    private static func writeHex(_ hash: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for i in 0..<16 {
            buffer[offset + i] = digits[Int((hash >> UInt64(60 - 4 * i)) & 0xf)]
        }
    }
}
