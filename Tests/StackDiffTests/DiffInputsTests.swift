import CloudFormation
import Foundation
import SQLSchema
import Stacks
import SynthCore
import Testing
import TestSupport
@testable import DiffSources
@testable import StackDiff

@Suite(.timeLimit(.minutes(5))) struct DiffInputsTests {
    static let root = TestPostgres.repositoryRoot.path

    /// The diff of the committed dev stage against its stacks with one setting edited, not re-synthesized.
    static func devReport(_ edit: (inout StageSettings) -> Void) throws -> DiffReport {
        var settings = StageSettings.dev
        edit(&settings)
        let edited = settings
        var app = chatApp
        app.stages[0] = StageDefinition("dev") {
            let database = DatabaseStack(edited)
            return [database.stack, AppStack(edited, database: database).stack]
        }
        let synthesizer = Synthesizer(project: SynthProject(app: app, schemas: chatProject.schemas))
        return try DiffInputs.stage(app.stages[0], synthesizer: synthesizer, outputDirectory: root + "/out", base: nil, usage: .idle)
    }

    @Test func aCleanCheckoutHasNoChanges() throws {
        let synthesizer = Synthesizer(project: chatProject)
        for stage in chatApp.stages {
            let report = try DiffInputs.stage(stage, synthesizer: synthesizer, outputDirectory: Self.root + "/out", base: nil, usage: .idle)
            #expect(!report.hasChanges, "\(report.text(color: false))")
        }
    }

    /// Declaring the PostgreSQL log group on a stage whose cluster exists names the cluster, which
    /// replaces it: the diff says so, with the data at stake and the exports that block the deploy.
    @Test func declaringThePostgresLogGroupShowsTheClusterReplacement() throws {
        let report = try Self.devReport { $0.declaresPostgresLogGroup = true }
        let changes = report.stacks.flatMap(\.resources)
        let cluster = try #require(changes.first { $0.logicalId == "ChatDB" })
        #expect(cluster.replacement == .always && cluster.dataLoss != nil, "\(cluster)")
        #expect(cluster.properties.contains { $0.path == "Properties.DBClusterIdentifier" && $0.replacement == .always })
        #expect(changes.contains { $0.logicalId == "ChatDBPostgresLogGroup" && $0.change == .added })
        #expect(report.blockers.contains { $0.kind == .exportInUse && $0.resource == "ChatDB" })
        let text = report.text(color: false)
        #expect(text.contains("ChatDB (AWS::RDS::DBCluster) REPLACED"), "\(text)")
    }

    /// A stack edited without re-synthesizing: the diff shows exactly that edit.
    @Test func anEditedStackShowsExactlyThatEdit() throws {
        let report = try Self.devReport { $0.capacity = ServerlessCapacity(minimum: 0, maximum: 8, secondsUntilAutoPause: 1800) }
        // The capacity, and the alarms and dashboard drawn against it.
        let changes = report.stacks.flatMap(\.resources)
        #expect(changes.map(\.logicalId) == ["ChatAlarmsAuroraCapacityAtMaximum", "ChatAlarmsAuroraConnections", "ChatAlarmsDashboard", "ChatDB"])
        #expect(changes.first { $0.logicalId == "ChatDB" }?.properties.map(\.path) == ["Properties.ServerlessV2ScalingConfiguration.MaxCapacity"])
        #expect(changes.allSatisfy { $0.replacement == Replacement.none })
        #expect(report.schema.isEmpty)
    }

    @Test func theSchemaDiffComparesDeclaredSchemasConstraintsIncluded() throws {
        let schema = ChatSchema.schema(embeddingDimension: 1024)
        var changed = schema
        func table(_ name: String) throws -> Int { try #require(changed.tables.firstIndex { $0.name == name }) }
        changed.tables[try table("conversation_vectors")].columns.removeAll { $0.name == "title" }
        let conversations = try table("conversations")
        let lastSeq = try #require(changed.tables[conversations].columns.firstIndex { $0.name == "last_seq" })
        changed.tables[conversations].columns[lastSeq].type = .integer
        changed.tables[try table("chat_history")].checks.removeAll { $0.name == "chat_history_seq_check" }
        let changes = SchemaDiff.diff(old: schema, new: changed)
        #expect(changes.map { "\($0.kind.rawValue) \($0.name)" }
                == ["column conversation_vectors.title", "column conversations.last_seq", "constraint chat_history.chat_history_seq_check"])
        #expect(changes.map(\.dataLoss) == [true, true, false])
        #expect(changes[1].detail == "bigint not null default → integer not null default")
        #expect(SchemaDiff.diff(old: schema, new: schema).isEmpty)
        #expect(SchemaDiff.diff(old: nil, new: schema).filter { $0.kind == .table }.count == schema.tables.count)
    }

    /// The schema section reads the typed changes: a rename is one change, keeps the values, and is
    /// flagged (MIG-06) as breaking the code still running; an acknowledged drop carries its reason.
    @Test func aRenameIsARenameAndBreaksRunningCode() throws {
        let schema = ChatSchema.schema(embeddingDimension: 1024)
        var renamed = schema
        let bots = try #require(renamed.tables.firstIndex { $0.name == "bot_vectors" })
        let sync = try #require(renamed.tables[bots].columns.firstIndex { $0.name == "sync_status" })
        renamed.tables[bots].columns[sync] = Column("knowledge_status", .text).renamed(from: "sync_status")
        renamed.tables[bots].columns.removeAll { $0.name == "is_starred" }
        renamed.tables[bots].droppedColumns.append(.column("is_starred", because: "stars moved to the user profile"))
        let changes = SchemaDiff.diff(old: schema, new: renamed)
        #expect(Set(changes.map { "\($0.change.rawValue) \($0.kind.rawValue) \($0.name)" })
                == ["modified column bot_vectors.knowledge_status", "removed column bot_vectors.is_starred"], "\(changes)")
        let rename = try #require(changes.first { $0.name == "bot_vectors.knowledge_status" })
        #expect(rename.breaksRunningCode && !rename.dataLoss && rename.detail == "renamed from sync_status (values kept)")
        let drop = try #require(changes.first { $0.name == "bot_vectors.is_starred" })
        #expect(drop.dataLoss && drop.detail?.contains("stars moved to the user profile") == true, "\(drop)")
        let text = DiffReport(stacks: [], schema: changes).text(color: false)
        #expect(text.contains("[MIG-06] breaks the code still running"), "\(text)")
    }

    /// A schema change not yet synthesized: the diff shows the migration synth would write, with its
    /// SQL and its acknowledged data loss, in all three formats, beside the schema changes.
    @Test func aSchemaChangeShowsItsMigrationWithTheDataItDrops() throws {
        var project = chatProject
        project.schemas["dev"] = {
            var schema = ChatSchema.schema(for: .dev)
            if let bots = schema.tables.firstIndex(where: { $0.name == "bot_vectors" }) {
                schema.tables[bots].columns.removeAll { $0.name == "is_starred" }
                schema.tables[bots].droppedColumns.append(.column("is_starred", because: "stars moved to the user profile"))
                schema.tables[bots].indexes.append(.btree("bot_vectors_created_idx", .desc("created_at")))
            }
            return schema
        }
        let dev = try #require(chatApp.stage(named: "dev"))
        let report = try DiffInputs.stage(dev, synthesizer: Synthesizer(project: project), outputDirectory: Self.root + "/out", base: nil, usage: .idle)
        #expect(report.schema.map { "\($0.change.rawValue) \($0.kind.rawValue) \($0.name)" }
                == ["removed column bot_vectors.is_starred", "added index bot_vectors.bot_vectors_created_idx"])
        let migration = try #require(report.migrations.first)
        #expect(report.migrations.count == 1 && migration.change == .added && migration.file.hasSuffix("_alter_bot_vectors.sql"))
        #expect(migration.dataLoss.count == 1 && migration.dataLoss[0].hasPrefix("stars moved to the user profile"))
        #expect(migration.sql.contains("ALTER TABLE bot_vectors DROP COLUMN IF EXISTS is_starred;"))
        #expect(migration.sql.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_created_idx ON bot_vectors (created_at DESC);"))
        #expect(report.verdict.contains("1 new migration"))

        let text = report.text(color: false)
        #expect(text.contains("Migration plan: what the deploy runs on the database, in order, before the new code serves requests\n"
                              + "  + \(migration.file)\n      data loss: stars moved to the user profile"), "\(text)")
        #expect(text.contains("    | ALTER TABLE bot_vectors DROP COLUMN IF EXISTS is_starred;"))
        let markdown = report.markdown()
        #expect(markdown.contains("#### Migration plan") && markdown.contains("  - **data loss: stars moved to the user profile"))
        #expect(markdown.contains("```sql\n") && markdown.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_created_idx"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.first?["file"] as? String == migration.file && (migrations.first?["dataLoss"] as? [String])?.count == 1)
        #expect(migrations.first?["rewritesHistory"] as? Bool == false)
    }

    /// A revision from before the declared schema was recorded is compared by its schema.sql text,
    /// and the migrator's history table is no part of either side.
    @Test func aRevisionWithoutARecordedSchemaIsComparedByItsText() throws {
        let legacy = try String(contentsOfFile: Self.root + "/Tests/Fixtures/legacy-schema/dev-schema-before-migrations.sql", encoding: .utf8)
        // Staging has the legacy schema's search settings (dev's now fold accents, which changes definitions).
        let current = try String(contentsOfFile: Self.root + "/out/staging/schema.sql", encoding: .utf8)
        let changes = SchemaDiff.diffText(old: legacy, new: current)
        #expect(!changes.isEmpty)
        #expect(!changes.contains { $0.name.contains("schema_version") }, "\(changes)")
        #expect(changes.contains { $0.change == .added && $0.kind == .table && $0.name == "synced_conversations" }, "\(changes)")
        #expect(SchemaDiff.diffText(old: legacy, new: legacy).isEmpty)
    }
}
