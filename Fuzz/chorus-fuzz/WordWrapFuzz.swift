import ChorusTUI

/// Word wrap on any text at any width: never crashes and never makes a line
/// wider than the width.
func fuzzWordWrap(_ bytes: [UInt8]) {
    let (width, text) = FuzzInput.widthAndText(bytes)
    for line in WordWrap.wrap(text, width: width) {
        precondition(line.width <= width, "wrapped line \(line.width) wide at width \(width): \(line.spans.map(\.text))")
    }
}
