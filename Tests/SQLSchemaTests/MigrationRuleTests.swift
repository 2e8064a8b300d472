import Foundation
import SQLSchema
import Testing

/// The online-safety rules (`MigrationRule`), one test each, and docs/schema.md's list of them.
@Suite struct MigrationRuleTests {
    static func bots(@TableBuilder _ extra: () -> [TableElement] = { [] }) -> Schema { MigrationPlannerTests.bots(extra) }

    static func migration(_ plan: MigrationPlanner.Plan) -> Migration {
        Migration(version: 2, slug: plan.slug, before: "sha256:a", after: "sha256:b", checksum: Migration.checksum(of: plan.body), body: plan.body)
    }

    /// MIG-01: a changed index is dropped and built again CONCURRENTLY, after the transaction, the drop first.
    @Test func indexesAreDroppedAndBuiltConcurrently() {
        let old = Self.bots { Index("bots_title_idx", .trigramGIN("title")) }
        let new = Self.bots { Index("bots_title_idx", .trigramGiST("title")) }
        let migration = Self.migration(MigrationPlanner.plan(from: old, to: new))
        #expect(migration.outsideStatements == ["DROP INDEX CONCURRENTLY IF EXISTS bots_title_idx",
                                                "CREATE INDEX CONCURRENTLY IF NOT EXISTS bots_title_idx ON bots USING gist (title gist_trgm_ops)"])
        #expect(migration.transactionalStatements.isEmpty)
    }

    /// MIG-01: what only a dropped index used (a folding function) is dropped after the index, outside the transaction.
    @Test func whatADroppedIndexUsedGoesAfterIt() {
        var old = Self.bots { Index("bots_title_idx", .foldedTrigramGiST("title", function: .unaccent)) }
        old.functions = [.unaccent]
        old.extensions.append("unaccent")
        let migration = Self.migration(MigrationPlanner.plan(from: old, to: Self.bots()))
        #expect(migration.outsideStatements == ["DROP INDEX CONCURRENTLY IF EXISTS bots_title_idx", "DROP FUNCTION IF EXISTS public.immutable_unaccent(text)",
                                                "DROP EXTENSION IF EXISTS unaccent"])
    }

    /// MIG-02: a foreign key or check is added NOT VALID, then validated.
    @Test func constraintsAreAddedNotValidThenValidated() {
        let new = Self.bots { Check("bots_title_check", "title <> ''") }
        let statements = MigrationPlanner.plan(from: Self.bots(), to: new).steps.flatMap(\.statements)
        #expect(statements == ["ALTER TABLE bots ADD CONSTRAINT bots_title_check CHECK (title <> '') NOT VALID",
                               "ALTER TABLE bots VALIDATE CONSTRAINT bots_title_check"])
    }

    /// MIG-03 and MIG-07: every migration's transaction sets both timeouts before its first step,
    /// the statement timeout below the Data API's 45-second wait.
    @Test func everyTransactionSetsItsTimeouts() {
        let new = Self.bots { Column("note", .text) }
        let statements = Self.migration(MigrationPlanner.plan(from: Self.bots(), to: new)).transactionalStatements
        #expect(Array(statements.prefix(2)) == ["SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '40s'"])
        #expect(Int(MigrationRule.statementTimeout.dropLast())! < 45)
    }

    /// MIG-04: a type change, a widening included, is planned only where the declaration says how.
    @Test func aTypeChangeIsPlannedOnlyAsDeclared() {
        let widened = Self.bots { Column("rank", .bigint) }
        let silent = MigrationPlanner.plan(from: Self.bots { Column("rank", .integer) }, to: widened)
        #expect(silent.problems.count == 1 && silent.problems[0].message.hasPrefix("[MIG-04] "), "\(silent.problems)")
        let declared = MigrationPlanner.plan(from: Self.bots { Column("rank", .integer) }, to: Self.bots { Column("rank", .bigint).changingType(using: "rank::bigint") })
        #expect(declared.problems.isEmpty && declared.steps.map(\.summary) == ["[MIG-04] changes the type of bots.rank from integer to bigint (rewrites the table, as declared)"])
    }

    /// MIG-05: a NOT NULL column without a default is refused where it is declared, citing the rule.
    @Test func aRequiredColumnNeedsADefault() {
        let plan = MigrationPlanner.plan(from: Self.bots(), to: Self.bots { Column("rank", .integer).notNull() })
        #expect(plan.problems.count == 1 && plan.problems[0].message.hasPrefix("[MIG-05] "), "\(plan.problems)")
        #expect(plan.problems[0].location?.file.hasSuffix("MigrationRuleTests.swift") == true)
    }

    /// MIG-08: a changed HNSW index is built beside the old one and swapped in; the plan still reaches the declaration.
    @Test func aChangedVectorIndexIsBuiltBesideAndSwapped() {
        let old = Self.bots { Index("bots_embedding_idx", .hnsw("embedding", .cosine, m: 16, efConstruction: 64)) }
        let new = Self.bots { Index("bots_embedding_idx", .hnsw("embedding", .cosine, m: 24, efConstruction: 256)) }
        let plan = MigrationPlanner.plan(from: old, to: new)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(Self.migration(plan).outsideStatements == [
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS bots_embedding_idx_next ON bots USING hnsw (embedding vector_cosine_ops) WITH (m = 24, ef_construction = 256)",
            "DROP INDEX CONCURRENTLY IF EXISTS bots_embedding_idx",
            "ALTER INDEX IF EXISTS bots_embedding_idx_next RENAME TO bots_embedding_idx",
        ])
        #expect(plan.steps.first?.summary.hasPrefix("[MIG-08] ") == true)
    }

    /// docs/schema.md lists every rule by its id, with what it asks.
    @Test func theReadmeListsEveryRule() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/schema.md"), encoding: .utf8)
        for rule in MigrationRule.allCases {
            let listed = readme.contains("| \(rule.rawValue) | \(rule.rule) |")
            #expect(listed, "docs/schema.md has no row for \(rule.rawValue)")
        }
    }
}
