import ChorusGraph
import ChorusSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Every error as `{"detail": …}`: the server's own, the router's (unknown
/// path, wrong method) and anything unexpected (500, logged, never shown).
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, error.status.reasonPhrase)
        } catch {
            logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw APIError(.internalServerError, "Internal server error")
        }
    }
}

/// With an API key configured, a request without the same `x-api-key` gets
/// 401. Keys are compared in constant time and never logged.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let key: [UInt8]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = Array((request.headers[HTTPField.Name("x-api-key")!] ?? "").utf8)
        guard Self.equal(given, key) else { throw APIError(.unauthorized, "Missing or invalid x-api-key header") }
        return try await next(request, context)
    }

    /// Equal contents, in time that depends only on the lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}

/// One access-log line per request: method, path, status, time to the
/// response head (a stream's body goes on after it).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, status: error.status.code, since: start)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = elapsed.seconds * 1000
        logger.info("\(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", ms)) ms")
    }
}
