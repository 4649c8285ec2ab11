import ChorusGraph
import ChorusStore
import ChorusTesting
import Foundation

/// Child process for the store's crash and multi-process tests.
///   chorus-crash-probe run DB RANLOG THREAD       runs CrashProbeGraph; `slow` sleeps an hour
///   chorus-crash-probe hammer DB PREFIX COUNT      COUNT runs on threads PREFIX-i, renaming "shared" each time
let args = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}
guard args.count >= 5 else { fail("usage: chorus-crash-probe run DB RANLOG THREAD | hammer DB PREFIX COUNT") }
do {
    let database = try ChorusDatabase(path: args[2])
    let checkpointer = SQLiteCheckpointer(database: database)
    switch args[1] {
    case "run":
        let graph = try CrashProbeGraph.make(ranLog: args[3], slowDelay: .seconds(3600), checkpointer: checkpointer)
        // A log long enough to be saved item by item, as a chat's messages are.
        let seed = Value.array(CrashProbeGraph.seedLog.map(Value.string))
        for try await part in graph.stream(.state(["log": seed]), modes: [.updates], config: RunConfig(threadId: args[4])) {
            if case .updates(let update) = part.payload, let node = update.objectValue?.keys.first {
                FileHandle.standardOutput.write(Data("finished \(node)\n".utf8))
            }
        }
    case "hammer":
        let threads = ThreadStore(database: database)
        var g = StateGraph(StateSchema([("n", .reducer(.add)), ("messages", .reducer(.messages))]))
        g.addNode("a") { state, _ in .update(["n": 1, "messages": [["type": "ai", "content": "ok", "id": .string("ai-\(state["n"]?.intValue ?? 0)")]]]) }
        g.addEdge(START, "a")
        let graph = try g.compile(checkpointer: checkpointer)
        let prefix = args[3], count = Int(args[4]) ?? 0
        if try await threads.get("shared") == nil { _ = try? await threads.create(id: "shared") }
        for i in 0..<count {
            let id = "\(prefix)-\(i)"
            try await threads.create(id: id)
            let result = try await graph.invoke(["n": 10, "messages": [["role": "user", "content": .string("hello from \(id)"), "id": "u"]]],
                                                config: RunConfig(threadId: id))
            guard result.values["n"] == 11 else { fail("bad result on \(id): \(result.values)") }
            try await threads.rename("shared", to: id)
        }
    default:
        fail("unknown mode \(args[1])")
    }
} catch {
    fail("chorus-crash-probe: \(error)")
}
