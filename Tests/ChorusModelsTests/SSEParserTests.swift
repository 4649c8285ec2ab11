import ChorusModels
import Testing

@Suite struct SSEParserTests {
    func parse(_ text: String, chunks: [Int]? = nil) -> [SSEEvent] {
        let bytes = Array(text.utf8)
        var parser = SSEParser()
        guard let chunks else { return parser.feed(bytes) }
        var events: [SSEEvent] = []
        var start = 0
        for size in chunks where start < bytes.count {
            let end = min(bytes.count, start + size)
            events += parser.feed(bytes[start..<end])
            start = end
        }
        events += parser.feed(bytes[start...])
        return events
    }

    @Test func fieldsCommentsAndMultiLineData() {
        let stream = ": keep-alive\nevent: delta\nid: 7\ndata: one\ndata:two\n\ndata: {\"x\": 1}\nretry: 3000\n\n"
        #expect(parse(stream) == [
            SSEEvent(type: "delta", data: "one\ntwo", lastEventId: "7"),
            SSEEvent(type: "message", data: "{\"x\": 1}", lastEventId: "7", retry: 3000),
        ])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingWorks(_ eol: String) {
        let stream = ["event: a", "data: 1", "", "data: 2", "data: 3", "", ""].joined(separator: eol)
        #expect(parse(stream) == [SSEEvent(type: "a", data: "1"), SSEEvent(data: "2\n3")])
    }

    @Test func aLeadingBOMIsSkippedOnlyAtTheStart() {
        #expect(parse("\u{FEFF}data: x\n\n") == [SSEEvent(data: "x")])
        #expect(parse("data: \u{FEFF}x\n\n") == [SSEEvent(data: "\u{FEFF}x")])
    }

    @Test func edgeCasesOfTheSpec() {
        #expect(parse("data\n\n") == [SSEEvent(data: "")])
        #expect(parse("event: only\n\n").isEmpty)
        #expect(parse("data: no blank line at the end").isEmpty)
        #expect(parse("id: a\u{0}b\ndata: x\n\n") == [SSEEvent(data: "x")])
        #expect(parse("retry: 12a\ndata: x\n\n") == [SSEEvent(data: "x")])
        #expect(parse("data:  two spaces\n\n") == [SSEEvent(data: " two spaces")])
        #expect(parse("unknown: field\ndata: y\n\n") == [SSEEvent(data: "y")])
    }

    /// However the network splits the bytes, the same events come out.
    @Test(arguments: 0..<200)
    func anySplitGivesTheSameEvents(seed: Int) {
        var rng = SplitMix(seed: UInt64(seed))
        let eols = ["\n", "\r\n", "\r"]
        var text = rng.next() % 2 == 0 ? "\u{FEFF}" : ""
        for i in 0..<Int(rng.next() % 6 + 1) {
            let eol = eols[Int(rng.next() % 3)]
            if rng.next() % 3 == 0 { text += ": comment \(i)" + eol }
            text += "event: e\(i)" + eol
            for j in 0..<Int(rng.next() % 3 + 1) { text += "data: é\(i)-\(j) {\"t\":\"ok\"}" + eol }
            text += eol
        }
        let whole = parse(text)
        let sizes = (0..<64).map { _ in Int(rng.next() % 7) + 1 }
        #expect(parse(text, chunks: sizes) == whole)
        #expect(!whole.isEmpty)
    }
}

/// A small deterministic generator for property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
