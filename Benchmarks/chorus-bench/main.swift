import ChorusGraph
#if canImport(Glibc)
import Glibc
#endif

/// `chorus-bench [--quick] [WORKLOAD...]`: the workloads of
/// `shared/bench/WORKLOADS.md` on the Chorus engine; one JSON object on stdout.
let allWorkloads: [(String, () async throws -> Value)] = [
    ("chain100", Chain100.run), ("fanout1000", Fanout1000.run), ("concurrency", Concurrency.run),
    ("tokens", Tokens.run), ("checkpoint", CheckpointWorkload.run), ("widestate", WideState.run),
    ("startup", Startup.run), ("store", StoreWorkload.run), ("providers", ProviderStreams.run),
    ("events", EventStream.run), ("tui", TerminalApp.chat), ("research-tui", TerminalApp.research),
    ("tui-startup", TerminalStartup.run),
]
/// Workloads run only when named: too long for the default run.
let namedOnlyWorkloads: [(String, () async throws -> Value)] = [
    ("soak", Soak.run), ("longchat", LongChat.run), ("sends10k", Sends10k.noop), ("sends10k-sleep", Sends10k.sleeping),
    ("invocations10k", Invocations10k.run), ("policies", PolicyOverhead.run), ("tools", ToolCalls.run),
    ("remote-startup", RemoteApp.startup), ("remote-fanout", RemoteApp.fanout), ("postgres", PostgresWorkload.run),
    ("typed", TypedOverhead.run), ("compaction", CompactionDecision.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if let i = arguments.firstIndex(of: "--child"), i + 1 < arguments.count {
    do {
        try await Startup.child(arguments[i + 1])
        exit(0)
    } catch {
        Bench.log("child failed: \(error)")
        exit(1)
    }
}
var names: [String] = []
var skipNext = false
for arg in arguments {
    if skipNext { skipNext = false; continue }
    if arg == "--scale" { skipNext = true; continue }
    if !arg.hasPrefix("--") { names.append(arg) }
}
for name in names where !(allWorkloads + namedOnlyWorkloads).contains(where: { $0.0 == name }) {
    Bench.log("unknown workload \(name); known: \((allWorkloads + namedOnlyWorkloads).map(\.0).joined(separator: " "))")
    exit(2)
}
let started = Bench.now()
let loadStart = Bench.loadavg()
var workloads: [String: Value] = [:]
let selected = names.isEmpty ? allWorkloads : (allWorkloads + namedOnlyWorkloads).filter { names.contains($0.0) }
for (name, run) in selected {
    Bench.log("\(name)…")
    do {
        workloads[name] = try await run()
        Bench.log("  \(name): \(workloads[name]!)")
    } catch {
        Bench.log("\(name) failed: \(error)")
        exit(1)
    }
}
let result: Value = [
    "implementation": "chorus",
    "versions": ["swift": "6.3", "chorus": "0.1.0"],
    "machine": ["cpus": .int(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), "platform": "Linux", "loadavg_start": loadStart, "loadavg_end": Bench.loadavg()],
    "quick": .bool(Bench.quick),
    "workloads": .object(workloads),
    "total_s": Bench.round(Double(Bench.now() - started) / 1e9, 1),
]
print(JSON.serialize(result))
