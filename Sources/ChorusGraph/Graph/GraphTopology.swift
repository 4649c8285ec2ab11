/// The frozen shape of a compiled graph: its channels, numbered so the hot
/// path indexes arrays instead of hashing names, and which channel updates
/// can schedule which nodes.
///
/// Channel numbering: state keys first (`0..<stateCount`, in schema order),
/// then `__start__`, the `Send` topic, one `branch:to:<node>` per node, and
/// one barrier per join.
final class GraphTopology: Sendable {
    let schema: StateSchema
    /// Nodes sorted by name (so node index order is task-path order), `__start__` included.
    let nodes: [NodeSpec]
    let nodeIndex: [String: Int]
    let channelNames: [String]
    let channelIndex: [String: Int]
    let stateCount: Int
    let startChannel: Int
    let tasksChannel: Int
    /// Per node: its trigger channels, and the writes its static and join edges make.
    let nodeTriggers: [[Int]]
    let nodeEdgeWrites: [[(Int, Value)]]
    /// Per node: the channel that routes to it (`branch:to:<node>`).
    let branchChannel: [Int]
    /// Per channel: the nodes an update of it may schedule.
    let triggerToNodes: [[Int]]
    /// Per channel: whether it clears itself when a step passes without a write.
    let selfClearing: [Bool]
    let stateKeySet: Set<String>
    private let joinNames: [(channel: Int, sources: Set<String>, deferred: Bool)]

    init(schema: StateSchema, nodes specs: [String: NodeSpec], joins: [(sources: [String], target: String)]) {
        self.schema = schema
        let sorted = specs.values.sorted { $0.name < $1.name }
        nodes = sorted
        nodeIndex = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.name, $0) })
        var names = schema.keys
        stateCount = names.count
        startChannel = names.count
        names.append(START)
        tasksChannel = names.count
        names.append(Reserved.tasks)
        var branch = [Int](repeating: -1, count: sorted.count)
        for (i, node) in sorted.enumerated() where node.name != START {
            branch[i] = names.count
            names.append(Reserved.branchTo(node.name))
        }
        var joinList: [(Int, Set<String>, Bool)] = []
        for j in joins {
            let name = Reserved.join(j.sources, j.target)
            if names.contains(name) { continue }
            joinList.append((names.count, Set(j.sources), specs[j.target]?.isDeferred ?? false))
            names.append(name)
        }
        channelNames = names
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        channelIndex = index
        branchChannel = branch
        joinNames = joinList
        nodeTriggers = sorted.map { $0.triggers.map { index[$0]! } }
        nodeEdgeWrites = sorted.map { $0.edgeWrites.map { (index[$0.0]!, $0.1) } }
        var map = [[Int]](repeating: [], count: names.count)
        for (i, triggers) in nodeTriggers.enumerated() {
            for t in triggers { map[t].append(i) }
        }
        triggerToNodes = map
        var clearing = [Bool](repeating: false, count: names.count)
        clearing[startChannel] = true
        clearing[tasksChannel] = true
        for (i, b) in branch.enumerated() where b >= 0 && !sorted[i].isDeferred { clearing[b] = true }
        selfClearing = clearing
        stateKeySet = Set(schema.keys)
    }

    /// Fresh, empty channels for a new thread.
    func makeChannels() -> [any Channel] {
        var channels: [any Channel] = schema.keys.map { schema.makeChannel($0) }
        channels.append(EphemeralChannel())
        channels.append(TopicChannel())
        for (i, b) in branchChannel.enumerated() where b >= 0 {
            channels.append(nodes[i].isDeferred ? AfterFinishChannel() as any Channel : EphemeralChannel())
        }
        for j in joinNames {
            channels.append(j.deferred ? NamedBarrierChannel(names: j.sources, afterFinish: true) : NamedBarrierChannel(names: j.sources))
        }
        return channels
    }

    /// The state-key channel of `key`, or nil for an undeclared key.
    @inline(__always)
    func stateChannel(_ key: String) -> Int? {
        guard let i = channelIndex[key], i < stateCount else { return nil }
        return i
    }
}
