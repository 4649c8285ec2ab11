/// A thread's status as far as runs decide it: `busy`, or how its last run
/// left it (`idle`, `interrupted`, `error` with the failure).
struct ThreadActivity: Sendable {
    var status: String
    var error: (type: String, message: String)?

    static let busy = ThreadActivity(status: "busy")
}
