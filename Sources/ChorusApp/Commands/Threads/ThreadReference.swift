import ChorusStore

/// A thread named on the command line by its id or a unique prefix of it.
public enum ThreadReference {
    /// The one thread whose id is `reference` or starts with it.
    public static func resolve(_ reference: String, in store: ThreadStore) async throws -> ThreadRecord {
        guard !reference.isEmpty else { throw ThreadReferenceError.unknown(reference) }
        return try pick(reference, among: try await store.threads(idPrefix: reference, limit: 6))
    }

    /// The thread `reference` names among the threads whose ids start with it.
    static func pick(_ reference: String, among matches: [ThreadRecord]) throws -> ThreadRecord {
        if let exact = matches.first(where: { $0.id == reference }) { return exact }
        switch matches.count {
        case 0: throw ThreadReferenceError.unknown(reference)
        case 1: return matches[0]
        default: throw ThreadReferenceError.ambiguous(reference, matches.prefix(5).map(\.id))
        }
    }
}

/// A thread reference that names no thread, or more than one.
public enum ThreadReferenceError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case ambiguous(String, [String])
    /// `--continue` with no saved chat thread.
    case noneToContinue
    /// A research thread where a chat thread is needed.
    case notChat(String)

    public var description: String {
        switch self {
        case .unknown(let reference):
            return "no thread with an id starting with '\(reference)' (see `chorus threads list`)"
        case .ambiguous(let reference, let ids):
            return "'\(reference)' is the start of several thread ids (\(ids.joined(separator: ", "))…); give more of the id"
        case .noneToContinue:
            return "no saved chat thread to continue"
        case .notChat(let id):
            return "thread \(id) is a research run, not a chat (see `chorus research --resume`)"
        }
    }
}
