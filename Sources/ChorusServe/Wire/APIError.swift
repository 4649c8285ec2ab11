import ChorusGraph
import Hummingbird

/// An error answered as LangGraph Platform answers it: a status and
/// `{"detail": "…"}`.
struct APIError: HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let detail: String

    init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    var description: String { "\(status.code) \(detail)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        WireJSON.response(.object(["detail": .string(detail)]), status: status)
    }

    static func threadNotFound(_ id: String) -> APIError { APIError(.notFound, "Thread with ID \(id) not found") }
    static func runNotFound(_ id: String) -> APIError { APIError(.notFound, "Run with ID \(id) not found") }
    static func invalidField(_ field: String, _ expected: String) -> APIError {
        APIError(.unprocessableContent, "Invalid request body: '\(field)' must be \(expected)")
    }
    static let busyThread = APIError(.conflict,
        "Thread is already running a task. Wait for it to finish or choose a different multitask strategy.")
}
