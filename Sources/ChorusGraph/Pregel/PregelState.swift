/// Channels of one graph run with their versions: the pure half of the
/// Pregel algorithm (LangGraph's `_algo.py`). Which tasks are due, and how a
/// superstep's writes land, are decided here; nothing here runs nodes.
///
/// Everything is indexed by channel and node number (see `GraphTopology`);
/// names appear only when a checkpoint is written or read.
struct PregelState: Sendable {
    let topology: GraphTopology
    var channels: [any Channel]
    /// Version of each channel; 0 means never written.
    var versions: [Int]
    /// Per node, per trigger position: the version the node last consumed.
    var seen: [[Int]]
    /// Per channel: its version when the run last resumed from an interrupt.
    var interruptSeen: [Int]
    private var maxVersion = 0
    /// Self-clearing channels that currently hold a value.
    private var live: [Int] = []
    /// Checkpoint-shaped copies of `versions` and `seen`, kept up to date as
    /// they change when `tracksNames` is set, so writing a checkpoint per
    /// step does not rebuild them from every channel.
    var tracksNames = false {
        didSet { if tracksNames && !oldValue { rebuildNames() } }
    }
    private var versionNames: [String: Int] = [:]
    private var seenNames: [String: [String: Int]] = [:]

    init(topology: GraphTopology) {
        self.topology = topology
        channels = topology.makeChannels()
        versions = [Int](repeating: 0, count: topology.channelNames.count)
        seen = topology.nodeTriggers.map { [Int](repeating: 0, count: $0.count) }
        interruptSeen = versions
    }

    // MARK: checkpoints

    /// Loads a saved checkpoint into fresh channels.
    mutating func restore(_ checkpoint: Checkpoint) throws {
        let tracking = tracksNames
        self = PregelState(topology: topology)
        for (name, saved) in checkpoint.channelValues {
            if let i = topology.channelIndex[name] { try channels[i].restore(saved) }
        }
        for (name, v) in checkpoint.channelVersions {
            if let i = topology.channelIndex[name] { versions[i] = v }
        }
        for (nodeName, map) in checkpoint.versionsSeen {
            if nodeName == Reserved.interrupt {
                for (name, v) in map { if let i = topology.channelIndex[name] { interruptSeen[i] = v } }
            } else if let n = topology.nodeIndex[nodeName] {
                for (j, chan) in topology.nodeTriggers[n].enumerated() {
                    if let v = map[topology.channelNames[chan]] { seen[n][j] = v }
                }
            }
        }
        maxVersion = checkpoint.channelVersions.values.max() ?? 0
        live = channels.indices.filter { topology.selfClearing[$0] && channels[$0].isAvailable }
        tracksNames = tracking
    }

    func checkpoint(id: String) -> Checkpoint {
        let names = topology.channelNames
        var values: [String: Value] = [:]
        for i in channels.indices {
            if let v = channels[i].checkpoint() { values[names[i]] = v }
        }
        if tracksNames {
            return Checkpoint(id: id, channelValues: values, channelVersions: versionNames, versionsSeen: seenNames)
        }
        let (versionMap, seenMap) = namedVersions()
        return Checkpoint(id: id, channelValues: values, channelVersions: versionMap, versionsSeen: seenMap)
    }

    private mutating func rebuildNames() {
        (versionNames, seenNames) = namedVersions()
    }

    private func namedVersions() -> ([String: Int], [String: [String: Int]]) {
        let names = topology.channelNames
        var versionMap: [String: Int] = [:]
        for i in versions.indices where versions[i] > 0 { versionMap[names[i]] = versions[i] }
        var seenMap: [String: [String: Int]] = [:]
        for (n, triggers) in topology.nodeTriggers.enumerated() {
            var map: [String: Int] = [:]
            for (j, chan) in triggers.enumerated() where seen[n][j] > 0 { map[names[chan]] = seen[n][j] }
            if !map.isEmpty { seenMap[topology.nodes[n].name] = map }
        }
        var resumed: [String: Int] = [:]
        for i in interruptSeen.indices where interruptSeen[i] > 0 { resumed[names[i]] = interruptSeen[i] }
        if !resumed.isEmpty { seenMap[Reserved.interrupt] = resumed }
        return (versionMap, seenMap)
    }

    private mutating func setVersion(_ chan: Int, _ v: Int) {
        versions[chan] = v
        if tracksNames { versionNames[topology.channelNames[chan]] = v }
    }

    /// Whether any channel was ever written (a thread with history).
    var hasHistory: Bool { maxVersion > 0 }

    // MARK: reading

    /// The graph state: every state key that holds a value.
    func stateValues() -> [String: Value] {
        var state: [String: Value] = [:]
        state.reserveCapacity(topology.stateCount)
        let keys = topology.schema.keys
        for i in 0..<topology.stateCount {
            if let v = channels[i].value { state[keys[i]] = v }
        }
        return state
    }

    /// The state as a node would read it right after its own writes, before
    /// its siblings' (LangGraph's fresh local read for conditional edges).
    func stateAfter(_ writes: [(Int, Value)]) throws -> Value {
        var state = stateValues()
        var scratch: [Int: any Channel] = [:]
        for (chan, value) in writes where chan < topology.stateCount {
            var channel = scratch[chan] ?? channels[chan]
            _ = try channel.update([value])
            scratch[chan] = channel
        }
        for (chan, channel) in scratch { state[topology.schema.keys[chan]] = channel.value }
        return .object(state)
    }

    // MARK: writing

    /// Applies a superstep's writes in task-path order; returns the channels
    /// that changed and can be read.
    mutating func apply(_ tasks: [PregelTask]) throws -> [Int] {
        let ordered = tasks.count > 1 ? tasks.sorted { $0.path < $1.path } : tasks
        var bumpStep = false
        var consumed: [Int] = []
        for task in ordered {
            if task.bumpsStep { bumpStep = true }
            guard task.isPull else { continue }
            let triggers = topology.nodeTriggers[task.node]
            for (j, chan) in triggers.enumerated() {
                if versions[chan] > 0 {
                    seen[task.node][j] = versions[chan]
                    if tracksNames { seenNames[task.name, default: [:]][topology.channelNames[chan]] = versions[chan] }
                }
                if !consumed.contains(chan) { consumed.append(chan) }
            }
        }
        let next = maxVersion + 1
        var bumped = false
        for chan in consumed where channels[chan].consume() {
            setVersion(chan, next)
            bumped = true
        }
        var grouped = WriteGroups()
        for task in ordered {
            for (chan, value) in task.writes { grouped.append(chan, value) }
        }
        var updated: [Int] = []
        for (chan, values) in grouped.groups {
            if try channels[chan].update(values) {
                setVersion(chan, next)
                bumped = true
                if channels[chan].isAvailable { updated.append(chan) }
            }
            if topology.selfClearing[chan] && !live.contains(chan) { live.append(chan) }
        }
        if bumpStep {
            for chan in live where !updated.contains(chan) {
                if try channels[chan].update([]) {
                    setVersion(chan, next)
                    bumped = true
                    if channels[chan].isAvailable { updated.append(chan) }
                }
            }
        }
        // Tentatively the last step: channels that wait for the end open now.
        if bumpStep && !updated.contains(where: { !topology.triggerToNodes[$0].isEmpty }) {
            for chan in channels.indices where channels[chan].finish() {
                setVersion(chan, next)
                bumped = true
                if channels[chan].isAvailable { updated.append(chan) }
            }
        }
        live.removeAll { !channels[$0].isAvailable }
        if bumped { maxVersion = next }
        return updated
    }

    /// Marks the current versions as seen at a resume, so static breakpoints don't fire again.
    mutating func markResumed() {
        interruptSeen = versions
        if tracksNames { rebuildNames() }
    }

    // MARK: scheduling

    /// Tasks due in the next superstep. `candidates` narrows the pull-task
    /// scan to nodes triggered by recently updated channels.
    func nextTasks(origin: TaskOrigin, candidates: [Int]?) -> [PregelTask] {
        var tasks: [PregelTask] = []
        var stateInput: Value?
        func pull(_ n: Int) {
            guard isTriggered(n) else { return }
            let node = topology.nodes[n]
            let input: Value
            if node.name == START {
                input = channels[topology.startChannel].value ?? .null
            } else {
                if stateInput == nil { stateInput = .object(stateValues()) }
                input = stateInput!
            }
            tasks.append(PregelTask(name: node.name, node: n, path: .pull(node.name), input: input, origin: origin, bumpsStep: true, isPull: true))
        }
        // `Send` tasks first, then edge-triggered ones, as LangGraph prepares them.
        if let packets = channels[topology.tasksChannel].value?.arrayValue {
            for (index, packet) in packets.enumerated() {
                guard let send = Send(packet: packet), let n = topology.nodeIndex[send.node] else { continue }
                tasks.append(PregelTask(name: send.node, node: n, path: .push(index), input: send.arg, origin: origin, bumpsStep: true, isPull: false))
            }
        }
        if let candidates {
            for n in candidates { pull(n) }
        } else {
            for n in topology.nodes.indices { pull(n) }
        }
        return tasks
    }

    /// Nodes that an update of `updated` may schedule, in node (name) order.
    func candidates(for updated: [Int]) -> [Int] {
        var out: [Int] = []
        for chan in updated { out.append(contentsOf: topology.triggerToNodes[chan]) }
        if out.count > 1 {
            out.sort()
            var unique: [Int] = []
            unique.reserveCapacity(out.count)
            for n in out where unique.last != n { unique.append(n) }
            return unique
        }
        return out
    }

    private func isTriggered(_ n: Int) -> Bool {
        for (j, chan) in topology.nodeTriggers[n].enumerated() {
            if channels[chan].isAvailable && versions[chan] > seen[n][j] { return true }
        }
        return false
    }

    /// True when a channel changed since the last resume and a task is a breakpoint.
    func shouldInterrupt(_ tasks: [PregelTask], at nodes: Set<String>) -> Bool {
        let changed = versions.indices.contains { versions[$0] > interruptSeen[$0] }
        return changed && tasks.contains { nodes.contains($0.name) }
    }

    /// The node that ran most recently, as LangGraph picks `as_node` for
    /// `update_state`: nil when none ran or two ran last together.
    func lastWriter() -> (found: Bool, node: String?) {
        var lastSeen: [(Int, String)] = []
        for (n, versions) in seen.enumerated() {
            for v in versions where v > 0 { lastSeen.append((v, topology.nodes[n].name)) }
        }
        lastSeen.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        if lastSeen.isEmpty { return (false, nil) }
        if lastSeen.count == 1 { return (true, lastSeen[0].1) }
        if lastSeen[lastSeen.count - 1].0 != lastSeen[lastSeen.count - 2].0 { return (true, lastSeen[lastSeen.count - 1].1) }
        return (true, nil)
    }
}

/// Writes grouped by channel, in order of first appearance. Linear search
/// while few channels are written (the common case), a map beyond that.
struct WriteGroups {
    private(set) var groups: [(Int, [Value])] = []
    private var index: [Int: Int] = [:]

    mutating func append(_ chan: Int, _ value: Value) {
        if groups.count <= 8 {
            for i in groups.indices where groups[i].0 == chan {
                groups[i].1.append(value)
                return
            }
            groups.append((chan, [value]))
            if groups.count > 8 { for (i, g) in groups.enumerated() { index[g.0] = i } }
        } else if let i = index[chan] {
            groups[i].1.append(value)
        } else {
            index[chan] = groups.count
            groups.append((chan, [value]))
        }
    }
}
