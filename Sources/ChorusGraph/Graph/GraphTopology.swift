/// The frozen shape of a compiled graph: its channels and which channel
/// updates can schedule which nodes.
final class GraphTopology: Sendable {
    let schema: StateSchema
    let nodes: [String: NodeSpec]
    /// Node names in a fixed order (sorted), for deterministic scans.
    let nodeNames: [String]
    let joins: [(sources: [String], target: String)]
    /// For each trigger channel, the nodes it can schedule.
    let triggerToNodes: [String: [String]]
    let stateKeySet: Set<String>
    /// Channels that clear themselves when a step passes without a write.
    let selfClearing: Set<String>

    init(schema: StateSchema, nodes: [String: NodeSpec], joins: [(sources: [String], target: String)]) {
        self.schema = schema
        self.nodes = nodes
        self.nodeNames = nodes.keys.sorted()
        self.joins = joins
        var map: [String: [String]] = [:]
        for (name, spec) in nodes {
            for t in spec.triggers { map[t, default: []].append(name) }
        }
        self.triggerToNodes = map.mapValues { $0.sorted() }
        self.stateKeySet = Set(schema.keys)
        var clearing: Set<String> = [START, Reserved.tasks]
        for name in nodes.keys where name != START { clearing.insert(Reserved.branchTo(name)) }
        self.selfClearing = clearing
    }

    /// Fresh, empty channels for a new thread.
    func makeChannels() -> [String: any Channel] {
        var channels: [String: any Channel] = [:]
        channels.reserveCapacity(schema.keys.count + nodes.count + joins.count + 2)
        for key in schema.keys { channels[key] = schema.makeChannel(key) }
        channels[START] = EphemeralChannel()
        channels[Reserved.tasks] = TopicChannel()
        for name in nodes.keys where name != START {
            channels[Reserved.branchTo(name)] = EphemeralChannel()
        }
        for j in joins {
            channels[Reserved.join(j.sources, j.target)] = NamedBarrierChannel(names: Set(j.sources))
        }
        return channels
    }
}
