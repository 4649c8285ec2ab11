import ChorusModels

/// The findings the synthesizer is given, shortened when together they would
/// not fit its model's context window: short findings stay whole and the long
/// ones share the rest of the room equally, each cut at a word (or, in text
/// without spaces, at a character) and marked, so a small-window model still
/// answers from every branch (the findings stay whole in the run's state).
enum FindingsFit {
    /// About three bytes a token: a little under the estimate's four, so a cut prompt fits real tokenizers too.
    static let bytesPerToken = 3
    /// How far back a cut looks for a space before it cuts inside a word.
    static let wordSearch = 64

    /// `findings` within `tokens` between them; `shortened` when any was cut.
    static func fit(_ findings: [ResearchFinding], into tokens: Int) -> (findings: [ResearchFinding], shortened: Bool) {
        let sizes = findings.map(\.text.utf8.count)
        var room = max(16 * findings.count, tokens) * bytesPerToken
        guard sizes.reduce(0, +) > room else { return (findings, false) }
        // Smallest first: a finding under its equal share keeps it all, and what it leaves goes to the others.
        var limits = sizes
        var left = findings.count
        for i in sizes.indices.sorted(by: { sizes[$0] < sizes[$1] }) {
            let share = room / left
            limits[i] = min(sizes[i], share)
            room -= limits[i]
            left -= 1
        }
        var shortened = false
        let fitted = findings.indices.map { i -> ResearchFinding in
            guard limits[i] < sizes[i] else { return findings[i] }
            shortened = true
            var cut = findings[i]
            cut.text = String(prefix(findings[i].text, bytes: limits[i])) + " … (shortened to fit the model's context window)"
            return cut
        }
        return (fitted, shortened)
    }

    /// At most `bytes` of `text`, ending at a space when one is near, else at a character boundary.
    static func prefix(_ text: String, bytes: Int) -> Substring {
        let utf8 = text.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        var back = end
        var looked = 0
        while back > utf8.startIndex, looked < wordSearch {
            if utf8[back] == 0x20 || utf8[back] == 0x0A || utf8[back] == 0x09 {
                end = back
                break
            }
            back = utf8.index(before: back)
            looked += 1
        }
        while String.Index(end, within: text) == nil { end = utf8.index(before: end) }
        return text[..<end]
    }
}
