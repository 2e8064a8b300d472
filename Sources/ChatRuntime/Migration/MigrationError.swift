import SQLSchema

/// Why the migrator stopped, and what state it left the database in. Every refusal happens before
/// the database is changed; a failure part-way names the version the database is at.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another migrator held the lock for the whole wait.
    case locked(waitedSeconds: Int)
    /// The lock's lease could not be renewed (the database was unreachable for longer than the lease).
    case lockLost
    /// The database has tables but no migration history: it was not made by this project's migrations.
    case unversionedTables([String])
    /// The database records migrations this migrator does not have.
    case unknownMigrations(recorded: [Int], known: Int)
    /// A recorded migration's checksum is not the checksum of the migration with that number here.
    case checksumDiffers(version: Int, recorded: String, expected: String)
    /// A database from before versioned migrations whose tables are not those of migration 1.
    case notAdoptable(actual: String, expected: String, missing: [String], unexpected: [String])
    /// The database records `version` finished, but its catalog is not what that migration left:
    /// changed by hand since, so the pending migrations would start from a schema they do not expect.
    case drifted(version: Int, actual: String, expected: String)
    /// A statement failed; the migration's transaction was rolled back.
    case statementFailed(version: Int, statement: String, error: String, databaseVersion: Int)
    /// After a migration, the catalog is not the schema the migration leads to.
    case catalogDiffers(version: Int, actual: String, expected: String, missing: [String], unexpected: [String], databaseVersion: Int)
    /// An index build failed or left an invalid index (which the migrator dropped).
    case indexBuildFailed(version: Int, index: String, reason: String, databaseVersion: Int)

    /// 3: refused, nothing changed. 4: failed part-way; the database is at an earlier version and migrating again continues.
    public var exitCode: Int32 {
        switch self {
        case .locked, .unversionedTables, .unknownMigrations, .checksumDiffers, .notAdoptable, .drifted: 3
        case .statementFailed, .catalogDiffers, .indexBuildFailed, .lockLost: 4
        }
    }

    public var description: String {
        switch self {
        case .locked(let seconds):
            return "another migrator has held the schema lock for \(seconds) s; nothing was changed. Wait for it to finish (or find the stuck session in pg_locks) and run again"
        case .lockLost:
            return "the migration lock's lease could not be renewed, so another migrator may have started; this one stopped. Check the history in \(SchemaCatalog.versionTable) and migrate again"
        case .unversionedTables(let tables):
            return "the database has tables (\(tables.joined(separator: ", "))) but no \(SchemaCatalog.versionTable) table, so it was not made by these migrations; "
                + "nothing was changed. Use an empty database, or create \(SchemaCatalog.versionTable) by hand only if its tables are exactly migration 1's"
        case .unknownMigrations(let recorded, let known):
            return "the database records migration(s) \(recorded.map(String.init).joined(separator: ", ")), newer than the \(known) this runtime carries; "
                + "nothing was changed. Deploy the runtime built from the commit that added them"
        case .checksumDiffers(let version, let recorded, let expected):
            return "migration \(version) was applied with checksum \(recorded), but this runtime's migration \(version) has \(expected): the migration file was edited after it ran. "
                + "Nothing was changed. Restore the committed migration and put the change in a new one"
        case .notAdoptable(let actual, let expected, let missing, let unexpected):
            return "the database predates versioned migrations and its tables are not migration 1's (\(actual), expected \(expected)); nothing was changed. "
                + Self.differences(missing: missing, unexpected: unexpected)
        case .drifted(let version, let actual, let expected):
            return "the database is at version \(version), but its catalog is \(actual), not \(expected) as migration \(version) left it: it was changed "
                + "by hand since. Nothing was changed. Compare it with the stage's schema.sql (the catalog lines, or migra), undo the change, and migrate again"
        case .statementFailed(let version, let statement, let error, let databaseVersion):
            return "migration \(version) failed and was rolled back: \(error)\n  statement: \(statement.prefix(300))\n  the database is at version \(databaseVersion)"
        case .catalogDiffers(let version, let actual, let expected, let missing, let unexpected, let databaseVersion):
            return "after migration \(version) the database's catalog is \(actual), not \(expected) as the migration promises; version \(version) was not recorded "
                + "and the database is at version \(databaseVersion). " + Self.differences(missing: missing, unexpected: unexpected)
        case .indexBuildFailed(let version, let index, let reason, let databaseVersion):
            return "migration \(version): building index \(index) failed (\(reason)); the invalid index was dropped, version \(version) was not recorded "
                + "and the database is at version \(databaseVersion) with the migration's transaction applied. Fix the cause and migrate again: it resumes with the index builds"
        }
    }

    static func differences(missing: [String], unexpected: [String]) -> String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing: " + missing.joined(separator: "; ")) }
        if !unexpected.isEmpty { parts.append("not declared: " + unexpected.joined(separator: "; ")) }
        return parts.isEmpty ? "" : parts.joined(separator: ". ")
    }
}
