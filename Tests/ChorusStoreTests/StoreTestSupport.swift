import ChorusGraph
import ChorusPostgresTesting
import ChorusStore
import ChorusPostgres
import ChorusTesting
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

/// The checkpointers every spec test runs on, each in a fresh directory
/// (PostgreSQL: the suite's server, when it has one; its own tests show the skip).
enum CheckpointerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    static var available: [CheckpointerKind] { allCases.filter { $0 != .postgres || TestPostgres.isAvailable } }

    var testDescription: String { rawValue }

    func make(in directory: TemporaryDirectory) async throws -> any Checkpointer {
        switch self {
        case .memory: return InMemoryCheckpointer()
        case .sqlite: return SQLiteCheckpointer(database: try ChorusDatabase(path: directory.file("spec.sqlite")))
        case .postgres: return ThreadPrefixedCheckpointer(PostgresCheckpointer(database: try await TestPostgres.shared()))
        }
    }
}

import Testing
