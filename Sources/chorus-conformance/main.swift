import ChorusConformance
import ChorusGraph
import ChorusStore
import Foundation

/// `memory` and `sqlite` checkpointers; each sqlite case gets a fresh database
/// file in a temporary folder that is removed when the run ends.
let scratch = NSTemporaryDirectory() + "chorus-conformance-\(UUID().uuidString)"
let runner = ScenarioRunner { kind in
    switch kind {
    case "memory": return InMemoryCheckpointer()
    case "sqlite": return SQLiteCheckpointer(database: try ChorusDatabase(path: scratch + "/\(UUID().uuidString).sqlite"))
    default: return nil
    }
}
let status = await ConformanceCommand.main(Array(CommandLine.arguments.dropFirst()), runner: runner)
try? FileManager.default.removeItem(atPath: scratch)
exit(status)
