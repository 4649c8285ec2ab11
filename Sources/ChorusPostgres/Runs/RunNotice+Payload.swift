import ChorusStore

/// A notice as one NOTIFY payload: a letter and its ids.
extension RunNotice {
    var payload: String? {
        switch self {
        case .queued: return "q"
        case .cancel(let id): return "c " + id
        case .events(let ids): return "e " + ids.joined(separator: " ")
        case .ended(let id): return "d " + id
        case .submitted(let thread): return "s " + thread
        case .resync: return nil
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: " ").map(String.init)
        switch parts.first {
        case "q": self = .queued
        case "c" where parts.count == 2: self = .cancel(runId: parts[1])
        case "e" where parts.count >= 2: self = .events(runIds: Array(parts.dropFirst()))
        case "d" where parts.count == 2: self = .ended(runId: parts[1])
        case "s" where parts.count == 2: self = .submitted(threadId: parts[1])
        default: return nil
        }
    }
}
