import Foundation

/// One run `chorus serve` accepted, as its journal keeps it.
public struct JournaledRun: Sendable, Equatable {
    public var id: String
    public var threadId: String
    public var assistantId: String
    /// The request body as the client sent it (JSON), to run it again after a restart.
    public var request: String
    /// The API's status: `pending`, `running`, `success`, `error`, `interrupted`, `timeout`.
    public var status: String
    /// 1 for the first start, 2 once a restart went on with it, …
    public var attempt: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// When it first started running (kept across restarts).
    public var startedAt: Date?
    public var errorType: String?
    public var errorMessage: String?

    public init(id: String, threadId: String, assistantId: String, request: String, status: String, attempt: Int = 1,
                createdAt: Date, updatedAt: Date, startedAt: Date? = nil, errorType: String? = nil, errorMessage: String? = nil) {
        self.id = id
        self.threadId = threadId
        self.assistantId = assistantId
        self.request = request
        self.status = status
        self.attempt = attempt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// Still to run or running when it was last written: a restart must go on with it.
    public var isUnfinished: Bool { status == "pending" || status == "running" }
}
