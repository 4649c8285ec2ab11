import ChorusGraph
import Foundation
import GRDB

/// The one database file of a Chorus installation: checkpoints, threads and
/// the search index. One `DatabasePool` (WAL) per file for the whole process;
/// several processes may open the same file.
public final class ChorusDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

    /// How much a committed write survives.
    public enum Durability: Sendable {
        /// Survives a crash or `kill -9` of the process (WAL, `synchronous=NORMAL`):
        /// no fsync per commit. A power loss may drop the last commits, never corrupt the file.
        case processCrash
        /// Also survives power loss (`synchronous=FULL`): one fsync per commit.
        case powerLoss
    }

    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. Refuses files that are not SQLite or come from a newer Chorus.
    public init(path: String, durability: Durability = .processCrash) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.cannotOpen(path: path, detail: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "chorus"
        let synchronous = durability == .powerLoss ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            let migrator = ChorusMigrations.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                let unknown = try pool.read { db in
                    try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
                }
                throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw StoreError.notADatabase(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw StoreError.cannotOpen(path: path, detail: error.message ?? "cannot open file")
        }
    }
}
