import ChorusGraph

/// `typed`: what the typed state API (`TypedStateGraph`, `StateView`,
/// `StateUpdate`) costs over the dynamic one on `chain100` and `fanout1000`
/// (target ≤ 5%). Each round runs the dynamic and the typed graph back to
/// back, so drift hits both alike; the overhead is the median of the
/// rounds' typed/dynamic ratios.
enum TypedOverhead {
    enum Chain: GraphState {
        static let n = Key<Int>.lastValue("n")
        static let schema = Schema(n)
    }

    enum Fanout: GraphState {
        static let items = Key<[Int]>.lastValue("items")
        static let out = Key<[Int]>.appending("out")
        static let schema = Schema(items, out)
    }

    static func typedChain(_ length: Int) throws -> TypedCompiledGraph<Chain> {
        var g = TypedStateGraph<Chain>()
        for i in 0..<length {
            g.addNode(NodeName("n\(i)")) { state, _ in try StateUpdate { $0.n = try state.n + 1 } }
            g.addEdge(i == 0 ? .start : NodeName("n\(i - 1)"), NodeName("n\(i)"))
        }
        g.addEdge(NodeName("n\(length - 1)"), .end)
        return try g.compile()
    }

    static func typedFanout() throws -> TypedCompiledGraph<Fanout> {
        var g = TypedStateGraph<Fanout>()
        g.addNode("plan") { _, _ in StateUpdate { $0.items = Array(0..<1000) } }
        g.addNode("work", input: Int.self) { i, _ in StateUpdate { $0.out = [i * 2] } }
        g.addEdge(.start, "plan")
        g.addConditionalEdges("plan") { state in try state.items.map { .send("work", $0) } }
        g.addEdge("work", .end)
        return try g.compile()
    }

    static func run() async throws -> Value {
        let config = RunConfig(recursionLimit: 10_000)
        let dynamicChain = try Chain100.build(100)
        let typedChain = try typedChain(100)
        let dynamicFanout = try Fanout1000.build()
        let typedFanout = try typedFanout()
        let variants: [(String, () async throws -> Void)] = [
            ("chain100", { try Bench.check(try await dynamicChain.invoke(["n": 0], config: config).values["n"] == 100, "chain100 n") }),
            ("chain100_typed", { try Bench.check(try await typedChain.invoke(StateUpdate { $0.n = 0 }, config: config).state.n == 100, "typed chain100 n") }),
            ("fanout1000", { try Fanout1000.validate(try await dynamicFanout.invoke(["items": [], "out": []])) }),
            ("fanout1000_typed", {
                let out = try await typedFanout.invoke(StateUpdate { $0.items = []; $0.out = [] }).state.out
                try Bench.check(out.count == 1000 && out.reduce(0, +) == 999_000, "typed fanout1000 out")
            }),
        ]
        let (warmup, reps) = Bench.plan(10, 150)
        var samples: [String: [Double]] = [:]
        for round in 0..<(warmup + reps) {
            for (name, body) in variants {
                let t0 = Bench.now()
                try await body()
                if round >= warmup { samples[name, default: []].append(Double(Bench.now() - t0) / 1e9) }
            }
        }
        let median = samples.mapValues { Bench.median($0) * 1e6 }
        func overhead(_ name: String) -> Value {
            let ratios = zip(samples[name + "_typed"]!, samples[name]!).map { $0 / $1 }
            return Bench.round((Bench.median(ratios) - 1) * 100, 1)
        }
        return [
            "chain100_astep_us": Bench.round(median["chain100"]! / 100, 3),
            "chain100_typed_astep_us": Bench.round(median["chain100_typed"]! / 100, 3),
            "chain100_overhead_pct": overhead("chain100"),
            "fanout1000_atask_us": Bench.round(median["fanout1000"]! / 1000, 3),
            "fanout1000_typed_atask_us": Bench.round(median["fanout1000_typed"]! / 1000, 3),
            "fanout1000_overhead_pct": overhead("fanout1000"),
            "reps": .int(reps),
        ]
    }
}
