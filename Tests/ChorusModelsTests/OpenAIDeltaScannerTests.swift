@testable import ChorusModels
import ChorusGraph
import Testing

/// The fast path must agree with the full parse on every chunk it accepts,
/// and decline anything it does not fully understand.
@Suite struct OpenAIDeltaScannerTests {
    @Test(arguments: [
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hello"}}],"created":1,"id":"x","model":"m","object":"chat.completion.chunk"}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"length"}], "system_fingerprint": "b0"}"#,
        #"{"choices":[{"delta":{"content":"é 漢 🌈"}}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#,
        #"{"choices":[{"delta":{"content":"a\"b"}}]}"#,
        #"{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}"#,
        #"{"error":{"message":"x"}}"#,
        #"{"choices":[{"delta":{"content":"1"}},{"delta":{"content":"2"}}]}"#,
        #"{"choices":[{"delta":{"content":"x"}}]} trailing"#,
        #"{"meta":{"nested":[1,{"a":"}"}]},"choices":[{"delta":{"content":"ok"}}]}"#,
    ])
    func agreesWithTheFullParserOrDeclines(_ chunk: String) throws {
        guard let fast = OpenAIDeltaScanner.scan(chunk) else { return }
        let full = try JSON.parse(chunk)
        let choice = full["choices"]?.arrayValue?.first
        #expect(fast.content == choice?["delta"]?["content"]?.stringValue)
        #expect(fast.finishReason == choice?["finish_reason"]?.stringValue)
        #expect(full["usage"] == nil && full["error"] == nil && choice?["delta"]?["tool_calls"] == nil)
    }

    @Test func declinesWhatItCannotReadFully() {
        #expect(OpenAIDeltaScanner.scan(#"{"choices":[{"delta":{"content":"a\"b"}}]}"#) == nil)
        #expect(OpenAIDeltaScanner.scan(#"{"choices":[],"usage":{"prompt_tokens":1}}"#) == nil)
        #expect(OpenAIDeltaScanner.scan(#"{"choices":[{"delta":{"content":"x"}}]} trailing"#) == nil)
        #expect(OpenAIDeltaScanner.scan(#"{"choices":[{"delta":{"content":"Hi"}}]}"#)?.content == "Hi")
    }
}
