import ChorusTUI

/// The Markdown renderer on any text at any width: never crashes and never
/// renders a line wider than the width.
func fuzzMarkdown(_ bytes: [UInt8]) {
    let (width, text) = FuzzInput.widthAndText(bytes)
    for line in MarkdownRenderer(theme: .fallback, width: width).render(text) {
        precondition(line.width <= width, "Markdown line \(line.width) wide at width \(width): \(line.spans.map(\.text))")
    }
}
