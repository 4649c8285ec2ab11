import Foundation
import NIOCore
import NIOHTTP1

/// A request to a model provider, its body complete before it is sent.
struct ProviderHTTPRequest: Sendable {
    var url: String
    var method: HTTPMethod = .POST
    var headers = HTTPHeaders()
    var body = ByteBuffer()
}

/// Where a request goes: the server to connect to, and the path to ask for.
struct RequestTarget: Sendable, Equatable {
    /// The server, as the connection pool keys it.
    struct Origin: Sendable, Hashable {
        var tls: Bool
        var host: String
        var port: Int
    }

    var origin: Origin
    /// Path and query, percent-encoded as given.
    var path: String

    /// Reads an `http://` or `https://` URL; anything else is `invalidURL`.
    init(_ url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty else {
            throw ProviderHTTPError.invalidURL(url)
        }
        let tls = scheme == "https"
        origin = Origin(tls: tls, host: host, port: parts.port ?? (tls ? 443 : 80))
        let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        self.path = parts.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    /// The `Host` header: the port only when it is not the scheme's, an IPv6 address in brackets.
    var hostHeader: String {
        let host = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
        return origin.port == (origin.tls ? 443 : 80) ? host : "\(host):\(origin.port)"
    }
}
