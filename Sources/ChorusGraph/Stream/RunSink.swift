import ChorusSupport

/// Where a run's stream parts go. Shared by a run, its node tasks and its
/// subgraphs; parts from subgraphs are dropped unless `subgraphs` is set.
/// Run events go to `events`, nil when no one listens to them.
final class RunSink: Sendable {
    let modes: Set<StreamMode>
    let subgraphs: Bool
    let events: EventReporter?
    /// `modes` as bits, checked on every emit.
    private let mask: UInt8
    private let deliver: @Sendable (StreamPart) -> Void
    /// Message ids already streamed or seen in node input (LangGraph's `seen`).
    /// `last` is the id whose chunks are streaming, so a run of chunks hashes its id once.
    private let seenMessages = Locked<(ids: Set<String>, last: String)>(([], ""))

    init(modes: Set<StreamMode>, subgraphs: Bool, events: EventReporter? = nil, deliver: @escaping @Sendable (StreamPart) -> Void) {
        self.modes = modes
        self.subgraphs = subgraphs
        self.events = events
        self.mask = modes.reduce(0) { $0 | $1.bit }
        self.deliver = deliver
    }

    /// A sink that reports nothing (plain `invoke`).
    static let silent = RunSink(modes: [], subgraphs: false) { _ in }

    @inline(__always)
    func wants(_ mode: StreamMode, namespace: [String]) -> Bool {
        mask & mode.bit != 0 && (subgraphs || namespace.isEmpty)
    }

    func emit(_ namespace: [String], _ steps: [Int], _ payload: StreamPayload) {
        deliver(StreamPart(namespace: namespace, steps: steps, payload: payload))
    }

    // MARK: messages mode

    /// Records ids of messages in a node's input so they are not re-emitted.
    func noteInputMessages(_ input: Value) {
        var ids: [String] = []
        collectMessageIds(input, into: &ids)
        if ids.isEmpty { return }
        seenMessages.withLock { seen in for id in ids { seen.ids.insert(id) } }
    }

    /// Emits a token chunk (always; marks the id as seen).
    func emitChunk(_ namespace: [String], _ steps: [Int], id: String, content: String, isLast: Bool, usage: Value?, meta: MessageMetadata) {
        seenMessages.withLock { seen in
            if seen.last != id {
                seen.ids.insert(id)
                seen.last = id
            }
        }
        emit(namespace, steps, .message(.chunk(id: id, content: content, isLast: isLast, usage: usage), meta))
    }

    /// Emits the messages of a node's output that were not streamed or seen before.
    func emitNewMessages(_ namespace: [String], _ steps: [Int], output: [String: Value], meta: MessageMetadata) {
        var found: [Value] = []
        for (_, value) in output {
            if MessageList.isMessage(value) {
                found.append(value)
            } else if case .array(let items) = value {
                found.append(contentsOf: items.filter(MessageList.isMessage))
            }
        }
        for message in found {
            guard let id = message["id"]?.stringValue else { continue }
            let fresh = seenMessages.withLock { $0.ids.insert(id).inserted }
            if fresh { emit(namespace, steps, .message(.whole(message), meta)) }
        }
    }

    private func collectMessageIds(_ input: Value, into ids: inout [String]) {
        guard case .object(let fields) = input else { return }
        for (_, value) in fields {
            if MessageList.isMessage(value), let id = value["id"]?.stringValue {
                ids.append(id)
            } else if case .array(let items) = value {
                for item in items where MessageList.isMessage(item) {
                    if let id = item["id"]?.stringValue { ids.append(id) }
                }
            }
        }
    }
}
