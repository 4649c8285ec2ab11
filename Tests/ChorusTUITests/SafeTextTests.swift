import ChorusTUI
import Testing

@Suite struct SafeTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("red \u{1B}[31mtext\u{1B}[0m", "red text"),
        ("clear\u{1B}[2J screen", "clear screen"),
        ("clip \u{1B}]52;c;ZXZpbA==\u{07}board", "clip board"),
        ("title \u{1B}]0;pwned\u{1B}\\ here", "title  here"),
        ("dcs \u{1B}Pq#0;2;0;0;0\u{1B}\\ end", "dcs  end"),
        ("c1 csi \u{9B}31m done", "c1 csi  done"),
        ("bell\u{07} and nul\u{0} and del\u{7F}", "bell and nul and del"),
        ("line\r\nnext\rover", "line\nnext\nover"),
        ("tab\there", "tab here"),
        ("emoji 🌈 and CJK 漢字 stay", "emoji 🌈 and CJK 漢字 stay"),
        ("dangling escape \u{1B}", "dangling escape "),
    ])
    func escapeSequencesNeverSurvive(_ input: String, _ expected: String) {
        let out = SafeText.sanitize(input)
        #expect(out == expected)
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) })
    }

    @Test func titlesLoseNewlinesToo() {
        #expect(SafeText.sanitize("a\nb\r\nc", keepNewlines: false) == "a b  c")
    }
}
