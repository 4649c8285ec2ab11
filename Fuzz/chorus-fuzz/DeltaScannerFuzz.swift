import ChorusGraph
@testable import ChorusModels

/// The OpenAI fast path on any text: never crashes, and on a chunk that both
/// it and the full JSON parser accept, both read the same content and finish
/// reason, and it left usage, errors and tool calls to the parser. (It skips
/// unknown values by outline only, so it may accept JSON the parser rejects.)
func fuzzOpenAIDeltaScanner(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let delta = OpenAIDeltaScanner.scan(text), let json = try? JSON.parse(text) else { return }
    let choice = json["choices"]?.arrayValue?.first
    let content = choice?["delta"]?["content"]?.stringValue
    let reason = choice?["finish_reason"]?.stringValue
    precondition(delta.content == content, "scanner content \(String(describing: delta.content)) != parser \(String(describing: content))")
    precondition(delta.finishReason == reason, "scanner finish_reason \(String(describing: delta.finishReason)) != parser \(String(describing: reason))")
    for leftToParser in [json["usage"], json["error"], choice?["delta"]?["tool_calls"]] {
        precondition(leftToParser == nil || leftToParser == .null, "the delta scanner accepted a chunk it must leave to the parser: \(text)")
    }
}
