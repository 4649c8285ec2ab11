import ChorusGraph
import ChorusStore

/// What a new message list changes in the search index: the messages that
/// are new or edited, the ids that are gone, and the title a thread takes
/// from its first human message.
struct MessageIndexChange {
    struct Entry {
        var id: String
        var role: String
        var text: String
    }

    var upserts: [Entry] = []
    var removedIds: [String] = []
    var title: String?

    init(old: [Value], new: [Value]) {
        var before: [String: Value] = [:]
        for message in old { if let id = message["id"]?.stringValue { before[id] = message } }
        var present = Set<String>()
        // The last message with an id wins (one row per id in the index).
        for message in new.reversed() {
            guard let id = message["id"]?.stringValue, present.insert(id).inserted else { continue }
            if before[id] != message {
                upserts.append(Entry(id: id, role: message["type"]?.stringValue ?? "unknown", text: ThreadText.plain(message["content"] ?? .null)))
            }
        }
        removedIds = before.keys.filter { !present.contains($0) }.sorted()
        if let first = new.first(where: { $0["type"] == "human" }) {
            let text = ThreadText.plain(first["content"] ?? .null)
            if !text.isEmpty { title = ThreadText.title(from: text) }
        }
    }
}
