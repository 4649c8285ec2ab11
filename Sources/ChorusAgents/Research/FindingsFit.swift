import ChorusModels

/// The findings the synthesizer is given, shortened when together they would
/// not fit its model's context window: each keeps an equal share of the room,
/// cut at a word and marked, so a small-window model still answers from every
/// branch (the findings themselves stay whole in the run's state).
enum FindingsFit {
    /// About three bytes a token: a little under the estimate's four, so a cut prompt fits real tokenizers too.
    static let bytesPerToken = 3

    /// `findings` cut to `tokens` between them; `shortened` when any was.
    static func fit(_ findings: [ResearchFinding], into tokens: Int) -> (findings: [ResearchFinding], shortened: Bool) {
        guard !findings.isEmpty else { return (findings, false) }
        let share = max(16, tokens / findings.count) * bytesPerToken
        var shortened = false
        let fitted = findings.map { finding -> ResearchFinding in
            guard finding.text.utf8.count > share else { return finding }
            shortened = true
            var cut = finding
            var end = finding.text.utf8.index(finding.text.utf8.startIndex, offsetBy: share)
            while end > finding.text.startIndex, !finding.text.utf8[end].isSpace { end = finding.text.utf8.index(before: end) }
            cut.text = String(finding.text[..<end]) + " … (shortened to fit the model's context window)"
            return cut
        }
        return (fitted, shortened)
    }
}

private extension UInt8 {
    var isSpace: Bool { self == 0x20 || self == 0x0A || self == 0x09 }
}
