@testable import ChorusModels
import NIOCore

/// The provider whose stream decoder is fuzzed.
enum WireProvider {
    case openAI, anthropic, ollama

    var format: any ChatWireFormat {
        switch self {
        case .openAI: OpenAIWireFormat(baseURL: "http://fuzz", model: "m", apiKey: nil)
        case .anthropic: AnthropicWireFormat(baseURL: "http://fuzz", model: "m", apiKey: nil)
        case .ollama: OllamaWireFormat(baseURL: "http://fuzz", model: "m")
        }
    }
}

/// A decoder's whole reading of a stream: its chunks, or the error it stopped with.
private enum Reading: Equatable {
    case chunks([ChatChunk])
    case failed(ChatProviderError)
}

/// A provider's stream decoder on any bytes split anywhere: never crashes,
/// throws only `ChatProviderError`, and reads the same whether split or not.
func fuzzWireDecoder(_ provider: WireProvider, _ bytes: [UInt8]) {
    let (payload, chunks) = FuzzInput.chunked(bytes)
    let whole = read([payload[...]], provider.format)
    let split = read(chunks, provider.format)
    precondition(whole == split, "\(provider) decoder reads a split stream differently: \(split) vs \(whole)")
}

private func read(_ chunks: [ArraySlice<UInt8>], _ format: any ChatWireFormat) -> Reading {
    var decoder = format.makeDecoder()
    var out: [ChatChunk] = []
    do {
        for chunk in chunks { out += try decoder.feed(ByteBuffer(bytes: chunk)) }
        out += try decoder.finish()
        return .chunks(out)
    } catch let error as ChatProviderError {
        return .failed(error)
    } catch {
        preconditionFailure("untyped error from the decoder: \(error)")
    }
}
