/// Constructors for the network providers.
public enum Providers {
    /// OpenAI-compatible Chat Completions; `baseURL` ends in `/v1`.
    public static func openAI(baseURL: String = "https://api.openai.com/v1", model: String, apiKey: String?,
                              client: ProviderHTTPClient = .shared, retry: RequestRetryPolicy = RequestRetryPolicy()) -> HTTPChatModel {
        HTTPChatModel(format: OpenAIWireFormat(baseURL: baseURL, model: model, apiKey: apiKey),
                      displayName: "openai/\(model)", client: client, retry: retry, secret: apiKey)
    }

    /// Anthropic Messages; `baseURL` without `/v1`.
    public static func anthropic(baseURL: String = "https://api.anthropic.com", model: String, apiKey: String?,
                                 client: ProviderHTTPClient = .shared, retry: RequestRetryPolicy = RequestRetryPolicy()) -> HTTPChatModel {
        HTTPChatModel(format: AnthropicWireFormat(baseURL: baseURL, model: model, apiKey: apiKey),
                      displayName: "anthropic/\(model)", client: client, retry: retry, secret: apiKey)
    }

    /// Ollama's native API.
    public static func ollama(baseURL: String = "http://127.0.0.1:11434", model: String,
                              client: ProviderHTTPClient = .shared, retry: RequestRetryPolicy = RequestRetryPolicy()) -> HTTPChatModel {
        HTTPChatModel(format: OllamaWireFormat(baseURL: baseURL, model: model),
                      displayName: "ollama/\(model)", client: client, retry: retry, secret: nil)
    }
}
