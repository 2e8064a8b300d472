import CloudFormation
import DSLCore
import JSONText
import SQLSchema
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A stage's declared schema with its migrations: the ones committed under
/// `out/<stage>/migrations/`, checked, and the next one when the declaration moved on from
/// `latest-schema.json`, the schema the last committed migration leads to.
public struct StageSchema: Sendable {
    public static let directory = Migration.directory
    public static let snapshotFile = "latest-schema.json"

    public var schema: Schema
    /// Every migration, committed ones first, then the new one if any.
    public var migrations: [Migration]
    /// The migration this synthesis writes; nil when the declared schema is the one the chain reaches.
    public var newMigration: Migration?
    /// `latest-schema.json` for the declared schema.
    var snapshotText: String

    /// What `schema.sql` records as done: every migration, since it creates the schema they lead to.
    public var history: [SchemaRenderer.HistoryRow] {
        migrations.map { SchemaRenderer.HistoryRow(version: $0.version, name: $0.name, checksum: $0.checksum, fingerprint: $0.after) }
    }

    /// The files under `out/<stage>/migrations/`, by path relative to `out/`.
    public func artifacts(stage: String) throws -> [Artifact] {
        let folder = "\(stage)/\(Self.directory)/"
        var files = migrations.map { Artifact(path: folder + $0.fileName, contents: $0.file(stage: stage)) }
        files.append(Artifact(path: folder + Self.snapshotFile, contents: snapshotText))
        return files
    }

    /// The schema as JSON, keys sorted, so the file changes only when the schema does: byte for byte
    /// what JSONEncoder first wrote.
    static func snapshot(_ schema: Schema) -> String {
        snapshots.result(for: IdenticalSchema(schema)) { JSONTreeEncoder.prettyPrinted($0.schema.snapshot) + "\n" }
    }

    /// The stages that declare the same schema commit the same snapshot; it is written once.
    private static let snapshots = RecentResults<IdenticalSchema, String>()

    static func snapshotMismatch(_ snapshot: Schema, _ last: Migration) -> String {
        "describes schema \(SchemaRenderer.fingerprint(snapshot)), but the last migration, \(last.fileName), leads to \(last.after); restore it from git"
    }

    /// The files of a stage's migrations folder, by name: read at the edge (`read(stage:from:)`), so
    /// checking and planning are a function of their contents.
    public struct CommittedFiles: Sendable {
        public var files: [String: [UInt8]]

        public init(_ files: [String: [UInt8]]) {
            self.files = files
        }

        /// `out/<stage>/migrations/` under `outputDirectory`; none when the folder does not exist.
        public static func read(stage: String, from outputDirectory: String) -> CommittedFiles {
            let folder = "\(outputDirectory)/\(stage)/\(directory)"
            var files: [String: [UInt8]] = [:]
            for name in Files.names(in: folder) ?? [] {
                if let bytes = Files.contents(of: "\(folder)/\(name)") { files[name] = bytes }
            }
            return CommittedFiles(files)
        }
    }

    /// Reads what is committed for `stage` under `outputDirectory`, checks it, and plans the next migration.
    public static func resolve(stage: String, schema: Schema, committedIn outputDirectory: String) throws(Diagnostics) -> StageSchema {
        try resolve(stage: stage, schema: schema, committed: .read(stage: stage, from: outputDirectory))
    }

    /// Checks the committed migrations and snapshot of `stage` and plans the next migration. Every
    /// problem is a synth error naming the file or the declaration to fix.
    public static func resolve(stage: String, schema: Schema, committed files: CommittedFiles) throws(Diagnostics) -> StageSchema {
        let display = "out/\(stage)/\(directory)"
        var errors: [Diagnostic] = []
        func fail(_ file: String, _ message: String) { errors.append(Diagnostic("migrations.file", location: SourceLocation(file: "\(display)/\(file)"), subject: "migrations of stage \"\(stage)\"", message: message)) }

        var committed: [Migration] = []
        for name in files.files.keys.filter({ $0.hasSuffix(".sql") }).sorted() {
            do {
                committed.append(try Migration.parse(fileName: name, text: String(decoding: files.files[name] ?? [], as: UTF8.self)))
            } catch {
                fail(name, error.problem)
            }
        }
        for (index, migration) in committed.enumerated() {
            if migration.version != index + 1 {
                fail(migration.fileName, "migrations are numbered 0001, 0002, … without gaps or repeats; this one is number \(index + 1) in order")
            }
            if migration.computedChecksum != migration.checksum {
                fail(migration.fileName, "was edited after it was written: its body's checksum is \(migration.computedChecksum), its header says \(migration.checksum). "
                     + "A committed migration is never rewritten (databases may have run it): restore it with `git checkout -- \(display)/\(migration.fileName)` and change stacks/ instead")
            }
            let expectedBefore = index == 0 ? nil : committed[index - 1].after
            if migration.before != expectedBefore {
                fail(migration.fileName, "starts from \(migration.before ?? "an empty database"), but the migration before it leads to \(expectedBefore ?? "an empty database"): the chain is broken")
            }
        }
        let declared = snapshot(schema)
        var previous: Schema?
        var unchanged = false
        if let last = committed.last {
            let snapshotBytes = files.files[snapshotFile]
            if let bytes = snapshotBytes, bytes == Array(declared.utf8) {
                // The usual case: nothing changed since the last migration, so there is nothing to plan.
                if SchemaRenderer.fingerprint(schema) != last.after {
                    fail(snapshotFile, snapshotMismatch(schema, last))
                }
                unchanged = true
            } else if let bytes = snapshotBytes {
                do {
                    let decoded = try JSONDecoder().decode(Schema.self, from: Data(bytes))
                    if SchemaRenderer.fingerprint(decoded) != last.after {
                        fail(snapshotFile, snapshotMismatch(decoded, last))
                    }
                    previous = decoded
                } catch {
                    fail(snapshotFile, "is not a schema synth wrote (\(error)); restore it from git")
                }
            } else {
                fail(snapshotFile, "is missing: synth plans the next migration from it; restore it from git")
            }
        }
        guard errors.isEmpty else { throw Diagnostics(errors) }

        var result = StageSchema(schema: schema, migrations: committed, newMigration: nil, snapshotText: declared)
        if !unchanged {
            let plan = MigrationPlanner.plan(from: previous, to: schema)
            guard plan.problems.isEmpty else {
                throw Diagnostics(plan.problems.map { problem in
                    problem.within("schema of stage \"\(stage)\"")
                })
            }
            if !plan.isEmpty {
                let body = plan.body
                let migration = Migration(version: committed.count + 1, slug: committed.isEmpty ? "initial" : plan.slug, before: committed.last?.after,
                                          after: SchemaRenderer.fingerprint(schema), checksum: Migration.checksum(of: body), body: body)
                result.migrations.append(migration)
                result.newMigration = migration
            }
        }
        // The offline proof of the chain as SQL: what the files hold, the new one included, read and
        // replayed, must lead to each header's catalog and finally to the declared one.
        if let chainBreak = CatalogReplay.firstBreak(in: result.migrations, declared: SchemaCatalog.lines(schema)) {
            throw Diagnostics([Diagnostic("migrations.chain", location: SourceLocation(file: "\(display)/\(chainBreak.fileName)"), subject: "migrations of stage \"\(stage)\"",
                                          message: chainBreak.message + ". A committed migration is never rewritten: add the missing steps in a new one "
                                              + "(declare the change again in stacks/), or restore the file from git")])
        }
        return result
    }
}
