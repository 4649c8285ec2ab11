/// How a provider request failed below HTTP: `HTTPChatModel` turns each
/// into a `ChatProviderError` the user can act on.
enum ProviderHTTPError: Error, Equatable {
    /// The base URL is not an `http(s)://host…` URL.
    case invalidURL(String)
    /// The server closed the connection before the response ended.
    case closed
    /// No byte arrived for longer than the read timeout.
    case readTimeout
    /// TLS could not be set up on this machine (its certificate store, say).
    case tls(String)
}
