import ChorusGraph
import ChorusStore
import Foundation

/// A fresh folder per test, removed afterwards.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "chorus-store-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// The checkpointers every spec test runs on, each in a fresh directory.
enum CheckpointerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    func make(in directory: TemporaryDirectory) throws -> any Checkpointer {
        switch self {
        case .memory: return InMemoryCheckpointer()
        case .sqlite: return SQLiteCheckpointer(database: try ChorusDatabase(path: directory.file("spec.sqlite")))
        }
    }
}

import Testing
