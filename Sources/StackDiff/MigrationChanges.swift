import SQLSchema

/// A migration file a change adds, edits or removes under `out/<stage>/migrations/`. Adding is the
/// normal case; editing or removing one that databases may have run makes them refuse to migrate.
public struct MigrationChange: Sendable, Equatable {
    public var file: String
    public var change: Change
    /// The SQL the migration runs (its body).
    public var sql: String
    /// The data-loss steps, with the reasons their declarations give.
    public var dataLoss: [String]

    /// Edited or removed: databases that ran it will refuse the new chain.
    public var rewritesHistory: Bool { change != .added }

    /// The migration files of both sides, keyed by path relative to the stage folder. `dataLoss` is
    /// what the typed plan between the two sides' declared schemas loses, each with its
    /// declaration's reason; the migration added last carries it (a pull request adds one).
    public static func changes(old: [String: String], new: [String: String], dataLoss: [String] = []) -> [MigrationChange] {
        let prefix = Migration.directory + "/"
        func migrations(_ files: [String: String]) -> [String: String] {
            files.filter { $0.key.hasPrefix(prefix) && $0.key.hasSuffix(".sql") }
        }
        let before = migrations(old), after = migrations(new)
        var changes: [MigrationChange] = []
        for path in Set(before.keys).union(after.keys).sorted() where before[path] != after[path] {
            let file = String(path.dropFirst(prefix.count))
            let text = after[path] ?? before[path] ?? ""
            let body = (try? Migration.parse(fileName: file, text: text))?.body ?? text
            changes.append(MigrationChange(file: file, change: before[path] == nil ? .added : after[path] == nil ? .removed : .modified,
                                           sql: body, dataLoss: []))
        }
        if let last = changes.lastIndex(where: { $0.change == .added }) { changes[last].dataLoss = dataLoss }
        return changes
    }
}
