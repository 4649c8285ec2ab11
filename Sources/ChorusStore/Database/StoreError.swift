/// Why the store cannot be used, in words a user can act on.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file exists but is not a SQLite database (or is damaged).
    case notADatabase(path: String, detail: String)
    /// The database was written by a newer Chorus; it is left untouched.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The file or its folder cannot be opened or created.
    case cannotOpen(path: String, detail: String)

    public var description: String {
        switch self {
        case .notADatabase(let path, let detail):
            return "\(path) is not a Chorus database (not SQLite, or damaged): \(detail). Move it aside or pass another file with --db."
        case .newerSchema(let path, let unknown):
            return "\(path) was written by a newer version of Chorus (schema steps \(unknown.joined(separator: ", ")) are unknown to this one); it was not changed. Upgrade Chorus or use another file with --db."
        case .cannotOpen(let path, let detail):
            return "cannot open \(path): \(detail)"
        }
    }
}
