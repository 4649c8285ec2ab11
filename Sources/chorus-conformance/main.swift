import ChorusConformance
import ChorusGraph
import ChorusStore
import Foundation

/// `memory` and `sqlite` checkpointers; each sqlite case gets a fresh temporary database file.
let runner = ScenarioRunner { kind in
    switch kind {
    case "memory": return InMemoryCheckpointer()
    case "sqlite":
        let path = NSTemporaryDirectory() + "chorus-conformance-\(UUID().uuidString).sqlite"
        return SQLiteCheckpointer(database: try ChorusDatabase(path: path))
    default: return nil
    }
}
exit(await ConformanceCommand.main(Array(CommandLine.arguments.dropFirst()), runner: runner))
