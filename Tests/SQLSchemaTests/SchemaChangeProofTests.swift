import Foundation
import SQLSchema
import Stacks
import Testing

/// The typed changes: the offline proof that a plan reaches its declaration, and what two schemas'
/// snapshots say about renames and acknowledged losses once written and read back.
@Suite struct SchemaChangeProofTests {
    static func schema(_ languages: [SearchLanguage]) -> Schema { ChatSchema.schema(embeddingDimension: 8, languages: SearchLanguages(languages)) }

    /// The planner once forgot what a language setting no longer needs; the migrator then stopped on
    /// every run. The proof names each object such a plan would leave behind, before any database
    /// meets it.
    @Test func aPlanMissingItsDropsIsCaughtOffline() throws {
        let (vietnamese, japanese) = (Self.schema([.vietnamese]), Self.schema([.japanese]))
        let plan = MigrationPlanner.plan(from: vietnamese, to: japanese)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(MigrationPlanner.unreached(from: vietnamese, by: plan.changes, to: japanese) == nil)
        let forgetful = plan.changes.filter { change in
            switch change {
            case .dropExtension, .dropFunction, .dropTextSearchConfiguration: false
            default: true
            }
        }
        #expect(forgetful.count < plan.changes.count)
        let problem = try #require(MigrationPlanner.unreached(from: vietnamese, by: forgetful, to: japanese))
        for object in ["extension unaccent", "function immutable_unaccent(text)", "text search configuration chat_vietnamese"] {
            #expect(problem.message.contains("left behind: \(object)"), "\(problem)")
        }
    }

    /// Switching from English to Japanese keeps `chat_search_config` and `chat_spellings` by name but
    /// changes what they compute. PostgreSQL never recomputes stored generated values, so every column
    /// computed with them is rebuilt; otherwise existing rows keep tokens no query would match.
    @Test func aFunctionChangedInPlaceRebuildsTheColumnsComputedWithIt() {
        let plan = MigrationPlanner.plan(from: Self.schema([.english]), to: Self.schema([.japanese]))
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        let rebuilt = Set(plan.changes.compactMap { change -> String? in
            if case .rebuildGeneratedColumn(let table, let column) = change { "\(table).\(column.name)" } else { nil }
        })
        #expect(rebuilt == ["bot_vectors.tsv", "bot_vectors.spelling", "conversation_vectors.tsv", "synced_conversations.tsv"], "\(rebuilt)")
        #expect(Set(plan.changes.compactMap(\.rewrittenTable)) == ["bot_vectors", "conversation_vectors", "synced_conversations"])
        let rebuiltIndexes = plan.changes.compactMap { change -> String? in if case .createIndex(let index, _) = change { index.name } else { nil } }
        #expect(rebuiltIndexes.contains("bot_vectors_tsv_idx") && rebuiltIndexes.contains("bot_vectors_spelling_idx"), "\(rebuiltIndexes)")
        // Nothing changes in place between two identical declarations, so nothing is rebuilt.
        #expect(MigrationPlanner.plan(from: Self.schema([.japanese]), to: Self.schema([.japanese])).isEmpty)
    }

    /// Every way the planner moves between the stages' settings reaches the declaration, both ways.
    @Test func everyLanguageSettingReachesEveryOther() {
        let settings: [[SearchLanguage]] = [SearchLanguages.all.languages, [.english], [.vietnamese], [.japanese, .thai], [.german, .malay]]
        for from in settings {
            for to in settings where to != from {
                let plan = MigrationPlanner.plan(from: Self.schema(from), to: Self.schema(to))
                #expect(plan.problems.isEmpty, "\(from.map(\.rawValue)) → \(to.map(\.rawValue)): \(plan.problems)")
            }
        }
    }

    /// A step missing from the middle of a plan (an index build) is named as never made.
    @Test func aMissingIndexBuildIsNamed() throws {
        let old = Self.schema([.english])
        var new = old
        let bots = try #require(new.tables.firstIndex { $0.name == "bot_vectors" })
        new.tables[bots].indexes.append(.btree("bot_vectors_created_idx", .desc("created_at")))
        let plan = MigrationPlanner.plan(from: old, to: new)
        let withoutBuild = plan.changes.filter { if case .createIndex = $0 { false } else { true } }
        let problem = try #require(MigrationPlanner.unreached(from: old, by: withoutBuild, to: new))
        #expect(problem.message.contains("never made: index bot_vectors.bot_vectors_created_idx btree (created_at desc)"), "\(problem)")
    }

    /// Written to latest-schema.json and read back, a declaration keeps what the typed changes need:
    /// a rename stays a rename, and a dropped column keeps its acknowledgement.
    @Test func snapshotsKeepRenamesAndAcknowledgements() throws {
        let old = Self.schema([.english])
        var new = old
        let bots = try #require(new.tables.firstIndex { $0.name == "bot_vectors" })
        new.tables[bots].columns.removeAll { $0.name == "is_starred" }
        let droppedLine = #line + 1
        new.tables[bots].droppedColumns.append(.column("is_starred", because: "stars moved to the user profile"))
        let sync = try #require(new.tables[bots].columns.firstIndex { $0.name == "sync_status" })
        new.tables[bots].columns[sync] = Column("knowledge_status", .text).renamed(from: "sync_status")
        let read = try JSONDecoder().decode(Schema.self, from: JSONEncoder().encode(new))
        let plan = MigrationPlanner.plan(from: old, to: read)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.changes.contains(.renameColumn(table: "bot_vectors", from: "sync_status", to: "knowledge_status")))
        let loss = try #require(plan.changes.compactMap(\.dataLoss).first)
        #expect(loss.reason == "stars moved to the user profile" && loss.location.hasSuffix("SchemaChangeProofTests.swift:\(droppedLine)"), "\(loss)")
    }
}
