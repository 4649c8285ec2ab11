/// Channels of one graph run with their versions: the pure half of the
/// Pregel algorithm (LangGraph's `_algo.py`). Which tasks are due, and how a
/// superstep's writes land, are decided here; nothing here runs nodes.
struct PregelState: Sendable {
    let topology: GraphTopology
    var channels: [String: any Channel]
    var versions: [String: Int] = [:]
    var seen: [String: [String: Int]] = [:]
    private var maxVersion = 0
    /// Self-clearing channels that currently hold a value.
    private var live: Set<String> = []

    init(topology: GraphTopology) {
        self.topology = topology
        self.channels = topology.makeChannels()
    }

    /// Loads a saved checkpoint into fresh channels.
    mutating func restore(_ checkpoint: Checkpoint) throws {
        channels = topology.makeChannels()
        for (name, saved) in checkpoint.channelValues where channels[name] != nil {
            try channels[name]!.restore(saved)
        }
        versions = checkpoint.channelVersions
        seen = checkpoint.versionsSeen
        maxVersion = versions.values.max() ?? 0
        live = Set(topology.selfClearing.filter { channels[$0]?.isAvailable == true })
    }

    func checkpoint(id: String) -> Checkpoint {
        var values: [String: Value] = [:]
        for (name, channel) in channels {
            if let v = channel.checkpoint() { values[name] = v }
        }
        return Checkpoint(id: id, channelValues: values, channelVersions: versions, versionsSeen: seen)
    }

    /// The graph state: every state key that holds a value.
    func stateValues() -> [String: Value] {
        var state: [String: Value] = [:]
        state.reserveCapacity(topology.schema.keys.count)
        for key in topology.schema.keys {
            if let v = channels[key]!.value { state[key] = v }
        }
        return state
    }

    /// The state as a node would read it right after its own writes, before
    /// its siblings' (LangGraph's fresh local read for conditional edges).
    func stateAfter(_ writes: [(String, Value)]) throws -> Value {
        var state = stateValues()
        var grouped: [String: [Value]] = [:]
        for (key, value) in writes where topology.stateKeySet.contains(key) {
            grouped[key, default: []].append(value)
        }
        for (key, values) in grouped {
            var channel = channels[key]!
            _ = try channel.update(values)
            state[key] = channel.value
        }
        return .object(state)
    }

    /// Applies a superstep's writes in task-path order; returns the channels
    /// that changed and can be read.
    mutating func apply(_ tasks: [PregelTask]) throws -> Set<String> {
        let ordered = tasks.count > 1 ? tasks.sorted { $0.path < $1.path } : tasks
        var bumpStep = false
        var consumed: Set<String> = []
        for task in ordered where !task.triggers.isEmpty {
            bumpStep = true
            for chan in task.triggers {
                if let v = versions[chan] { seen[task.name, default: [:]][chan] = v }
                consumed.insert(chan)
            }
        }
        let next = maxVersion + 1
        var bumped = false
        for chan in consumed where channels[chan] != nil {
            if channels[chan]!.consume() {
                versions[chan] = next
                bumped = true
            }
        }
        var order: [String] = []
        var grouped: [String: [Value]] = [:]
        for task in ordered {
            for (chan, value) in task.writes where channels[chan] != nil {
                if grouped[chan] == nil { order.append(chan) }
                grouped[chan, default: []].append(value)
            }
        }
        var updated: Set<String> = []
        for chan in order {
            if try channels[chan]!.update(grouped[chan]!) {
                versions[chan] = next
                bumped = true
                if channels[chan]!.isAvailable { updated.insert(chan) }
            }
        }
        if bumpStep {
            for chan in live where !updated.contains(chan) {
                if try channels[chan]!.update([]) {
                    versions[chan] = next
                    bumped = true
                    if channels[chan]!.isAvailable { updated.insert(chan) }
                }
            }
        }
        for chan in order where topology.selfClearing.contains(chan) { live.insert(chan) }
        live = live.filter { channels[$0]!.isAvailable }
        if bumped { maxVersion = next }
        return updated
    }

    /// Tasks due in the next superstep. `candidates` narrows the pull-task
    /// scan to nodes triggered by recently updated channels.
    func nextTasks(step: Int, checkpointId: String, namespace: String, candidates: Set<String>?) -> [PregelTask] {
        var tasks: [PregelTask] = []
        var stateInput: Value?
        let names = candidates.map { $0.sorted() } ?? topology.nodeNames
        let stepText = String(step)
        for name in names {
            guard let node = topology.nodes[name], isTriggered(node) else { continue }
            let input: Value
            if name == START {
                input = channels[START]!.value ?? .null
            } else {
                if stateInput == nil { stateInput = .object(stateValues()) }
                input = stateInput!
            }
            tasks.append(PregelTask(
                id: StableID.make(checkpointId, namespace, stepText, "pull", name),
                name: name, path: .pull(name), input: input, triggers: node.triggers))
        }
        if let packets = channels[Reserved.tasks]!.value?.arrayValue {
            for (index, packet) in packets.enumerated() {
                guard let send = Send(packet: packet), topology.nodes[send.node] != nil else { continue }
                tasks.append(PregelTask(
                    id: StableID.make(checkpointId, namespace, stepText, "push", String(index)),
                    name: send.node, path: .push(index), input: send.arg, triggers: [Reserved.push]))
            }
        }
        return tasks
    }

    /// Nodes that an update of `channels` may schedule.
    func candidates(for updated: Set<String>) -> Set<String> {
        var out: Set<String> = []
        for chan in updated {
            if let nodes = topology.triggerToNodes[chan] { out.formUnion(nodes) }
        }
        return out
    }

    private func isTriggered(_ node: NodeSpec) -> Bool {
        let nodeSeen = seen[node.name]
        for chan in node.triggers {
            guard let channel = channels[chan], channel.isAvailable else { continue }
            if (versions[chan] ?? 0) > (nodeSeen?[chan] ?? 0) { return true }
        }
        return false
    }

    /// True when a channel changed since the last resume and a task is a breakpoint.
    func shouldInterrupt(_ tasks: [PregelTask], at nodes: Set<String>) -> Bool {
        let seenAtInterrupt = seen[Reserved.interrupt] ?? [:]
        let changed = versions.contains { chan, v in v > (seenAtInterrupt[chan] ?? 0) }
        return changed && tasks.contains { nodes.contains($0.name) }
    }
}
