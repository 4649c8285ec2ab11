import Foundation

/// Why a LangGraph server did not do what was asked, worded for the user.
public enum RemoteError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Nothing answered at the URL (refused, unknown host, no route).
    case unreachable(url: String, reason: String)
    /// 401 or 403: the key is missing or wrong; names the variable that holds it.
    case unauthorized(status: Int, keyVariable: String)
    /// 404: the thread, run or assistant is not on the server.
    case notFound(String)
    /// Another 4xx (409 busy thread, 422 bad assistant or body), with the server's detail.
    case rejected(status: Int, detail: String)
    /// 5xx, with the server's detail.
    case serverError(status: Int, detail: String)
    /// The server answered with something that is not the API (not JSON, wrong shape).
    case malformed(String)
    /// The stream sent nothing, not even a heartbeat, for this long.
    case stalled(seconds: Double)
    /// The run failed on the server (`event: error`).
    case runFailed(String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "cannot reach the LangGraph server at \(url): \(reason)"
        case .unauthorized(let status, let variable): "the server refused the API key (HTTP \(status)): set \(variable)"
        case .notFound(let detail): "not found on the server: \(detail)"
        case .rejected(let status, let detail): "the server rejected the request (HTTP \(status)): \(detail)"
        case .serverError(let status, let detail): "the server failed (HTTP \(status)): \(detail)"
        case .malformed(let detail): "the server's answer is not the LangGraph API: \(detail)"
        case .stalled(let seconds): "the server sent nothing for \(String(format: "%g", seconds)) s"
        case .runFailed(let message): message
        }
    }

    /// Whether re-joining the run may help: the connection broke or went quiet.
    public var isConnectionLoss: Bool {
        switch self {
        case .unreachable, .stalled: true
        default: false
        }
    }
}
