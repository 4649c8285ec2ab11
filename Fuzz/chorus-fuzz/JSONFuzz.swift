import ChorusGraph

/// The JSON reader on any bytes: never crashes, reads text and bytes alike,
/// and what it accepts serializes back to a document it reads as equal.
func fuzzJSON(_ bytes: [UInt8]) {
    let fromBytes = try? JSON.parse(bytes: bytes)
    if let valid = String(validating: bytes, as: UTF8.self) {
        precondition((try? JSON.parse(valid)) == fromBytes, "JSON.parse(String) and JSON.parse(bytes:) disagree")
    }
    guard let value = fromBytes else { return }
    let text = JSON.serialize(value)
    let again: Value
    do {
        again = try JSON.parse(text)
    } catch {
        preconditionFailure("serialized JSON does not parse: \(error) in \(text)")
    }
    precondition(again == value, "JSON round trip changed the value: \(value) -> \(text) -> \(again)")
}
