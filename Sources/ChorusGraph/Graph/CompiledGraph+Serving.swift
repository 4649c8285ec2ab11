/// What a server needs from a compiled graph beyond running it: per-run
/// breakpoints and a picture of its shape.
extension CompiledGraph {
    /// This graph, pausing before and after the named nodes as well
    /// (LangGraph's per-run `interrupt_before` / `interrupt_after`; `"*"` names
    /// every node). The copy shares everything else, so it costs nothing to make.
    public func pausing(before: [String], after: [String]) throws -> CompiledGraph {
        let all = nodeNames
        func resolve(_ names: [String]) throws -> Set<String> {
            if names == ["*"] { return Set(all) }
            for name in names where !all.contains(name) {
                throw GraphError(.valueError, "Interrupt node `\(name)` not found")
            }
            return Set(names)
        }
        return CompiledGraph(topology: topology, checkpointer: checkpointer, cache: cache,
                             interruptBefore: interruptBefore.union(try resolve(before)),
                             interruptAfter: interruptAfter.union(try resolve(after)))
    }

    /// The graph's nodes, by name (without `__start__`).
    public var nodeNames: [String] {
        topology.nodes.map(\.name).filter { $0 != START }
    }

    /// Its static edges, `__start__` included as a source; conditional routes
    /// and `Send`s are decided at run time and are not listed.
    public var staticEdges: [(source: String, target: String)] {
        var edges: [(String, String)] = []
        for (i, node) in topology.nodes.enumerated() {
            for (channel, _) in topology.nodeEdgeWrites[i] {
                let name = topology.channelNames[channel]
                if let target = topology.nodes.first(where: { Reserved.branchTo($0.name) == name })?.name {
                    edges.append((node.name, target))
                } else if name.hasPrefix("join:"), let target = name.split(separator: ":").last {
                    edges.append((node.name, String(target)))
                }
            }
        }
        return edges
    }
}
