import Foundation
import SQLSchema
import Stacks
import Testing
import TestSupport

/// Seeded random sequences of schema edits, drawn from what the DSL declares (columns added,
/// dropped, renamed, widened, made nullable, given or stripped of defaults; btree indexes and checks
/// added and dropped; the HNSW graph's parameters changed; the search languages switched), each
/// validated and planned as synth does, and applied to a PostgreSQL holding rows. After every step the catalog
/// must be the declared one and every row still there. A failure prints the seed and the edits.
/// `GENERATIVE_MIGRATION_SEQUENCES` sets how many sequences run (200 in the suite); `…_SEED` the
/// first seed, to replay one.
@Suite(.serialized, .timeLimit(.minutes(15))) struct GenerativeMigrationTests {
    static let table = "bot_vectors"
    static let dimension = 8
    static let languageSettings: [[SearchLanguage]] = [[.english], [.vietnamese], [.japanese], [.german, .malay], SearchLanguages.all.languages]

    /// The declared schema as the edits leave it: the chat schema for `languages`, with the edits'
    /// own columns, indexes and checks (all named `gen_…`) on `bot_vectors`.
    struct Declaration {
        var languages: [SearchLanguage] = [.english]
        var columns: [Column] = []
        var indexes: [Index] = []
        /// Each check says its column holds a value or none (true of every row), so it validates.
        var checks: [(name: String, column: String)] = []
        var dropped: [Dropped] = []
        var graph = (m: 24, efConstruction: 256)
        var counter = 0

        mutating func fresh(_ prefix: String) -> String {
            counter += 1
            return "gen_\(prefix)\(counter)"
        }

        var schema: Schema {
            var schema = ChatSchema.schema(embeddingDimension: GenerativeMigrationTests.dimension, languages: SearchLanguages(languages))
            guard let bots = schema.tables.firstIndex(where: { $0.name == GenerativeMigrationTests.table }) else { return schema }
            schema.tables[bots].columns += columns
            schema.tables[bots].indexes += indexes
            schema.tables[bots].checks += checks.map { Check($0.name, "\($0.column) IS NULL OR \($0.column) IS NOT NULL") }
            schema.tables[bots].droppedColumns = dropped
            if let graph = schema.tables[bots].indexes.firstIndex(where: { $0.name == "bot_vectors_public_embedding_idx" }) {
                schema.tables[bots].indexes[graph].method = .hnsw("embedding", .cosine, m: self.graph.m, efConstruction: self.graph.efConstruction)
            }
            return schema
        }
    }

    /// One random edit of `declaration`, described; nil when the one drawn does not apply yet.
    static func edit(_ declaration: inout Declaration, _ random: inout SeededRandom) -> String? {
        let types: [ColumnType] = [.text, .bigint, .integer, .jsonb, .boolean, .timestamptz]
        switch random.below(12) {
        case 0:
            let column = Column(declaration.fresh("c"), random.pick(types)!)
            declaration.columns.append(column)
            return "add nullable \(column.name) \(SchemaRenderer.typeName(column.type))"
        case 1:
            let (type, value): (ColumnType, DefaultValue) = random.below(2) == 0 ? (.bigint, .integer(random.below(100))) : (.text, .emptyText)
            let column = Column(declaration.fresh("c"), type).notNull().default(value)
            declaration.columns.append(column)
            return "add required \(column.name) \(SchemaRenderer.typeName(type)) default \(value.expression)"
        case 2:
            guard let victim = random.pick(declaration.columns) else { return nil }
            declaration.columns.removeAll { $0.name == victim.name }
            // PostgreSQL drops the indexes and checks over a dropped column with it.
            declaration.indexes.removeAll { $0.columns.contains(victim.name) }
            declaration.checks.removeAll { $0.column == victim.name }
            declaration.dropped.removeAll { $0.name == victim.name }
            declaration.dropped.append(.column(victim.name, because: "a generated edit drops it"))
            return "drop \(victim.name)"
        case 3:
            guard let index = random.pick(Array(declaration.columns.indices)) else { return nil }
            let old = declaration.columns[index].name
            // A name used before by a column now dropped is not reused.
            var renamed = declaration.columns[index]
            renamed.name = declaration.fresh("c")
            declaration.columns[index] = renamed.renamed(from: old)
            declaration.indexes = declaration.indexes.map { index in
                guard case .btree(let keys, let unique) = index.method else { return index }
                var copy = index
                copy.method = .btree(keys.map { IndexColumn($0.name == old ? renamed.name : $0.name, descending: $0.descending) }, unique: unique)
                return copy
            }
            declaration.checks = declaration.checks.map { ($0.name, $0.column == old ? renamed.name : $0.column) }
            return "rename \(old) to \(renamed.name)"
        case 4:
            guard let index = random.pick(declaration.columns.indices.filter { [.integer, .bigint, .boolean].contains(declaration.columns[$0].type) }) else { return nil }
            let column = declaration.columns[index]
            var widened = column
            widened.type = column.type == .integer ? .bigint : .text
            widened = widened.changingType(using: "\(column.name)::\(SchemaRenderer.typeName(widened.type))")
            declaration.columns[index] = widened
            declaration.indexes.removeAll { $0.columns.contains(column.name) }
            return "widen \(column.name) to \(SchemaRenderer.typeName(widened.type))"
        case 5:
            guard let index = random.pick(declaration.columns.indices.filter { !declaration.columns[$0].isNullable }) else { return nil }
            declaration.columns[index].isNullable = true
            return "let \(declaration.columns[index].name) hold NULL"
        case 6:
            guard let index = random.pick(declaration.columns.indices.filter { [.bigint, .text].contains(declaration.columns[$0].type) && declaration.columns[$0].isNullable }) else { return nil }
            let column = declaration.columns[index]
            declaration.columns[index].defaultValue = column.defaultValue == nil ? (column.type == .text ? .emptyText : .integer(random.below(9))) : nil
            return "\(column.defaultValue == nil ? "give" : "strip") \(column.name) a default"
        case 7:
            guard let column = random.pick(declaration.columns.filter { $0.type != .jsonb }) else { return nil }
            let index = Index.btree(declaration.fresh("i"), IndexColumn(column.name, descending: random.below(2) == 0))
            declaration.indexes.append(index)
            return "index \(column.name) as \(index.name)"
        case 8:
            guard let index = random.pick(declaration.indexes) else { return nil }
            declaration.indexes.removeAll { $0.name == index.name }
            return "drop index \(index.name)"
        case 9:
            guard let column = random.pick(declaration.columns) else { return nil }
            let name = declaration.fresh("k")
            declaration.checks.append((name, column.name))
            return "check \(name) on \(column.name)"
        case 10:
            if let check = random.pick(declaration.checks), random.below(2) == 0 {
                declaration.checks.removeAll { $0.name == check.name }
                return "drop check \(check.name)"
            }
            declaration.graph = (m: [8, 16, 24][random.below(3)], efConstruction: [32, 64, 128][random.below(3)])
            return "graph m \(declaration.graph.m), ef_construction \(declaration.graph.efConstruction)"
        default:
            let languages = random.pick(languageSettings.filter { $0 != declaration.languages })!
            declaration.languages = languages
            return "search languages \(languages.map(\.rawValue).joined(separator: ","))"
        }
    }

    static func environment(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    @Test func randomEditSequencesReachTheirDeclarationsAndKeepTheRows() async throws {
        // Minutes of psql calls: off the threads the async tests share.
        let failures = try await offThePool { try Self.runSequences() }
        #expect(failures.isEmpty, "\(failures.count) failures; the first:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// What went wrong, each with its seed and edits (expectations are collected here, on a thread
    /// of its own, and checked by the test).
    static func runSequences() throws -> [String] {
        var failures: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { failures.append(message()) } }
        let sequences = Self.environment("GENERATIVE_MIGRATION_SEQUENCES", default: 200)
        let firstSeed = UInt64(Self.environment("GENERATIVE_MIGRATION_SEED", default: 1))
        let server = try TestPostgres.server()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("generative-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: file) }
        let started = Date()
        var steps = 0
        for seed in firstSeed..<(firstSeed + UInt64(sequences)) {
            var random = SeededRandom(seed: seed)
            var declaration = Declaration(languages: random.pick(Self.languageSettings)!)
            let database = try server.createDatabase(prefix: "generative")
            defer { database.drop() }
            var current = declaration.schema
            // The same SQL, replayed offline, must reach the same catalog as PostgreSQL at every step.
            var replayed = CatalogReplay()
            for statement in SchemaRenderer.statements(current) {
                try database.run(statement + ";")
                try replayed.replay(statement)
            }
            try database.run("""
                INSERT INTO bot_vectors (bot_id, owner_id, title, description, visibility, embedding)
                SELECT 'bot-' || i, 'owner', 'Lantern festival planner ' || i, 'Plans festivals', 'public', '[1,0,0,0,0,0,0,0]' FROM generate_series(1, 20) AS i
                """)
            var edits: [String] = []
            let length = 2 + random.below(4)
            while edits.count < length {
                let before = declaration
                guard let edit = Self.edit(&declaration, &random) else { continue }
                let next = declaration.schema
                // What synth would refuse to plan (an HNSW ef_construction below 2 × m) is drawn again.
                guard SchemaValidator.problems(in: next).isEmpty else {
                    declaration = before
                    continue
                }
                edits.append(edit)
                let plan = MigrationPlanner.plan(from: current, to: next)
                let replay = "seed \(seed), edits: \(edits.joined(separator: "; "))"
                check(plan.problems.isEmpty, "\(replay): \(plan.problems)")
                guard plan.problems.isEmpty else { return failures }
                let storageQuery = "SELECT c.relname || ' ' || c.relfilenode FROM pg_catalog.pg_class c "
                    + "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
                let storageBefore = try database.lines(storageQuery)
                try plan.body.write(to: file, atomically: true, encoding: .utf8)
                do {
                    try database.runFile(file.path)
                } catch {
                    failures.append("\(replay): the migration failed: \(error)\n\(plan.body)")
                    return failures
                }
                // A table is rewritten (its storage replaced) only by a step that says so (MIG-04).
                let storageAfter = try database.lines(storageQuery)
                let rewritten = Set(storageBefore.filter { line in
                    !storageAfter.contains(line) && storageAfter.contains { $0.hasPrefix(line.prefix { $0 != " " } + " ") }
                }.map { String($0.prefix { $0 != " " }) })
                let announced = Set(plan.changes.compactMap(\.rewrittenTable))
                check(rewritten.isSubset(of: announced), "\(replay): rewrote \(rewritten.subtracting(announced).sorted()) without saying so\n\(plan.body)")
                let catalog = try database.lines(SchemaCatalog.introspectionQuery)
                let declared = SchemaCatalog.lines(next)
                check(catalog == declared, "\(replay): \(Set(catalog).symmetricDifference(declared))")
                do {
                    try replayed.replay(Migration(version: steps + 2, slug: "step", before: nil, after: "", checksum: "", body: plan.body))
                    check(replayed.lines == catalog, "\(replay): replayed offline: \(Set(replayed.lines).symmetricDifference(catalog))")
                } catch {
                    failures.append("\(replay): the migration cannot be replayed offline: \(error)\n\(plan.body)")
                }
                // PostgreSQL never recomputes a stored generated value on its own: after every step each one
                // must be what its expression computes now, with the functions as they are now.
                let generated = try database.lines("""
                    SELECT a.attname || '|' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attribute a
                      JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                     WHERE a.attrelid = 'bot_vectors'::regclass AND a.attgenerated = 's'
                    """)
                for line in generated {
                    let (column, expression) = (line.prefix { $0 != "|" }, line.drop { $0 != "|" }.dropFirst())
                    let stale = try database.run("SELECT count(*) FROM bot_vectors WHERE \(column) IS DISTINCT FROM (\(expression))")
                    check(stale.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(replay): \(stale) rows of bot_vectors.\(column) hold values computed before the step\n\(plan.body)")
                }
                let rows = try database.run("SELECT count(*) FROM bot_vectors WHERE title LIKE 'Lantern festival planner %'")
                check(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "20", "\(replay): rows lost")
                guard catalog == declared else { return failures }
                current = next
                steps += 1
            }
        }
        print("generative migrations: \(sequences) sequences from seed \(firstSeed), \(steps) steps, \(String(format: "%.0f", Date().timeIntervalSince(started))) s")
        return failures
    }
}
