import ChorusStore
import Foundation
import GRDB
import Testing

@Suite struct DatabaseFileTests {
    @Test func aFileThatIsNotSQLiteIsRefusedByName() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("notes.sqlite")
        try "these are my notes, not a database\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try ChorusDatabase(path: path)
        } throws: { error in
            guard case StoreError.notADatabase(let p, _) = error else { return false }
            return p == path && "\(error)".contains(path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are my notes, not a database\n")
    }

    @Test func aDatabaseFromANewerChorusIsRefusedAndLeftUnchanged() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("newer.sqlite")
        do {
            let database = try ChorusDatabase(path: path)
            try await ThreadStore(database: database).create(id: "kept", title: "precious")
        }
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v9-from-the-future"])) {
            try ChorusDatabase(path: path)
        }
        let title = try await queue.read { db in try String.fetchOne(db, sql: "SELECT title FROM threads WHERE id = 'kept'") }
        #expect(title == "precious")
    }

    @Test func theLocationFollowsFlagThenEnvironmentThenXDG() {
        #expect(StoreLocation.resolve(flag: "/x/db.sqlite", environment: ["CHORUS_DB": "/y"]) == "/x/db.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["CHORUS_DB": "/y/c.sqlite"]) == "/y/c.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"]) == "/data/chorus/chorus.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/chorus/chorus.sqlite")
    }

    @Test func anUncreatableFolderIsAClearError() {
        #expect(throws: StoreError.self) { try ChorusDatabase(path: "/proc/chorus-cannot-be-here/db.sqlite") }
    }
}
