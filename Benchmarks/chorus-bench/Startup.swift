import ChorusGraph
import ChorusProcess
import Foundation

/// `startup`: fresh processes of this binary in child modes, timed by the parent.
enum Startup {
    /// Runs this executable with `--child MODE`; returns (wall seconds, stdout).
    static func launch(_ mode: String) throws -> (Double, String) {
        let exe = CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : "/proc/self/exe"
        let t0 = Bench.now()
        let child = try ChildProcess(exe, ["--child", mode], standardOutput: .pipe)
        let output = child.standardOutput!.readDataToEndOfFile()
        let termination = child.waitUntilExit()
        let wall = Double(Bench.now() - t0) / 1e9
        guard termination == .exited(0) else { throw BenchFailure(what: "child \(mode) \(termination)") }
        return (wall, String(decoding: output, as: UTF8.self))
    }

    /// The child side: does the mode's work and prints its peak RSS in KiB.
    static func child(_ mode: String) async throws {
        switch mode {
        case "empty":
            return
        case "import":
            _ = StateGraph(StateSchema())
        case "three":
            var g = StateGraph(StateSchema([("n", .lastValue)]))
            for name in ["a", "b", "c"] { g.addNode(name) { input, _ in .update(["n": .int(input["n"]!.intValue! + 1)]) } }
            g.addEdge(START, "a"); g.addEdge("a", "b"); g.addEdge("b", "c"); g.addEdge("c", END)
            let out = try await g.compile().invoke(["n": 0])
            try Bench.check(out.values["n"] == 3, "three-node n == 3")
        case "fanout":
            let graph = try Fanout1000.build()
            try Fanout1000.validate(try await graph.invoke(["items": [], "out": []]))
            try Fanout1000.validate(try await graph.invoke(["items": [], "out": []]))
        default:
            throw BenchFailure(what: "unknown child mode \(mode)")
        }
        print(Bench.peakRSSKiB())
    }

    static func run() async throws -> Value {
        let reps = Bench.quick ? 2 : 5
        func medianWall(_ mode: String, _ n: Int) throws -> (Double, Double) {
            _ = try launch(mode)
            var walls: [Double] = [], rss: [Double] = []
            for _ in 0..<n {
                let (wall, out) = try launch(mode)
                walls.append(wall)
                rss.append(Double(Int(out.trimmed(" \n")) ?? 0) / 1024)
            }
            return (Bench.median(walls) * 1e3, Bench.median(rss))
        }
        let (bare, _) = try medianWall("empty", reps)
        let (imp, _) = try medianWall("import", reps)
        let (three, threeRSS) = try medianWall("three", reps)
        let (_, fanRSS) = try medianWall("fanout", 3)
        return [
            "python_bare_ms": Bench.round(bare), "import_ms": Bench.round(imp),
            "three_node_process_ms": Bench.round(three), "three_node_peak_rss_mib": Bench.round(threeRSS),
            "fanout1000_peak_rss_mib": Bench.round(fanRSS), "reps": .int(reps),
        ]
    }
}
