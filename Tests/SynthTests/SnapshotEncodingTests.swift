import Foundation
import JSONText
import SQLSchema
import Stacks
@testable import SynthCore
import Testing
import TestSupport

/// `latest-schema.json` is written without JSONEncoder, and must stay byte for byte what JSONEncoder
/// wrote: every stage's schema, and values with the shapes a schema may grow (empty lists and
/// objects, absent optionals, numbers, text that needs escaping).
@Suite struct SnapshotEncodingTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func everyStageSchemaIsWrittenAsJSONEncoderWritesIt() throws {
        for stage in StageSettings.all {
            let schema = ChatSchema.schema(for: stage)
            #expect(try StageSchema.snapshot(schema) == Self.foundation(schema) + "\n", "stage \(stage.name)")
        }
    }

    /// Random schemas holding every case of every type the schema is made of, and every optional
    /// both present and absent. `SNAPSHOT_SCHEMAS` and `SNAPSHOT_SEED` run more or replay one.
    @Test func randomSchemasAreWrittenAsJSONEncoderWritesThem() throws {
        let count = ProcessInfo.processInfo.environment["SNAPSHOT_SCHEMAS"].flatMap(Int.init) ?? 300
        let seed = ProcessInfo.processInfo.environment["SNAPSHOT_SEED"].flatMap(UInt64.init) ?? 0x5C4E_3A
        var random = SeededRandom(seed: seed)
        for index in 0..<count {
            let schema = Self.schema(&random)
            let expected = try Self.foundation(schema) + "\n"
            guard StageSchema.snapshot(schema) == expected else {
                Issue.record("seed \(seed), schema \(index) is written otherwise than JSONEncoder writes it:\n\(expected)")
                return
            }
            let decoded = try JSONDecoder().decode(Schema.self, from: Data(expected.utf8))
            #expect(StageSchema.snapshot(decoded) == expected, "seed \(seed), schema \(index) reads back as written")
        }
    }

    static let texts = ["a", "bot_id", "with \"quotes\" and \\", "line\nbreak\ttab", "é 漢 🚀", "", "\u{1}"]

    static func schema(_ random: inout SeededRandom) -> Schema {
        func text() -> String { random.pick(texts)! }
        func flag() -> Bool { random.below(2) == 0 }
        func maybe<T>(_ make: () -> T) -> T? { flag() ? nil : make() }
        func list<T>(_ make: () -> T) -> [T] { (0..<random.below(3)).map { _ in make() } }
        func function() -> ImmutableFunction { ImmutableFunction(text(), argument: text(), returns: text(), body: text()) }
        func sources() -> [ColumnType.WeightedSource] { list { ColumnType.WeightedSource(text(), weight: random.pick(["A", "B", "C", "D"])!) } }
        func action() -> ForeignKey.Action { random.pick([.noAction, .cascade, .setNull, .restrict])! }
        func type() -> ColumnType {
            switch random.below(13) {
            case 0: .uuid
            case 1: .text
            case 2: .bigint
            case 3: .integer
            case 4: .boolean
            case 5: .jsonb
            case 6: .timestamptz
            case 7: .numeric
            case 8: .textArray
            case 9: .vector(dimension: random.below(3000))
            case 10: .halfvec(dimension: random.below(3000))
            case 11: .generatedTSVector(config: text(), normalizer: maybe(text), sources: sources())
            default: .generatedTSVectorPerRow(detector: text(), normalizer: maybe(text), sources: sources())
            }
        }
        func defaultValue() -> DefaultValue {
            switch random.below(7) {
            case 0: .now
            case 1: .randomUUID
            case 2: .integer(random.below(100) - 50)
            case 3: .boolean(flag())
            case 4: .emptyText
            case 5: .emptyJSONObject
            default: .sql(text())
            }
        }
        func method() -> Index.Method {
            switch random.below(7) {
            case 0: .btree(list { IndexColumn(text(), descending: flag()) }, unique: flag())
            case 1: .fullText(text())
            case 2: .trigramGIN(text())
            case 3: .trigramGiST(text())
            case 4: .foldedTrigramGiST(text(), function: function())
            case 5: .arrayGIN(text())
            default: .hnsw(text(), random.pick([.cosine, .l2, .innerProduct])!, m: random.below(64), efConstruction: random.below(512))
            }
        }
        func column() -> Column {
            var column = Column(text(), type())
            column.isNullable = flag()
            column.isPrimaryKey = flag()
            column.defaultValue = maybe(defaultValue)
            if flag() { column = column.references(text(), text(), onDelete: action()) }
            if flag() { column = column.renamed(from: text()) }
            if flag() { column = column.changingType(using: text(), acknowledgingDataLoss: maybe(text)) }
            return column
        }
        func table() -> Table {
            var table = Table(text()) {}
            table.columns = list(column)
            table.primaryKey = list(text)
            table.uniques = list { list(text) }
            table.foreignKeys = list { ForeignKey(columns: list(text), table: text(), referencedColumns: list(text), onDelete: action()) }
            table.checks = list { Check(text(), text()) }
            table.indexes = list { Index(text(), method(), where: maybe(text)) }
            table.previousName = maybe(text)
            table.droppedColumns = list { Dropped.column(text(), because: text()) }
            return table
        }
        var schema = Schema(extensions: list(text), functions: list(function),
                            textSearchConfigurations: list { TextSearchConfiguration(text(), copying: text(), foldsAccents: flag(), dictionary: maybe(text)) },
                            queryFunctions: list { QueryFunction(text(), arguments: list { .init(text(), text()) }, returns: text(),
                                                                 settings: list { .init(text(), text()) }, body: text()) },
                            applicationRole: maybe(text)) {}
        schema.tables = list(table)
        schema.droppedTables = list { Dropped.table(text(), because: text()) }
        return schema
    }

    struct Shapes: Encodable {
        var emptyList: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nestedEmpty: [[String]] = [[], ["a"]]
        var absent: String?
        var present: String? = "here"
        var half = 0.5
        var whole = 4.0
        var negative: Int64 = -3
        var flag = true
        var text = "a/b \"q\" \\ \n\t\r \u{1} é 漢"
        var map = ["b": 2, "a": 1, "B": 3]
        var items = [Item(name: "x", tags: []), Item(name: "y", tags: ["t"])]

        struct Item: Encodable { var name: String; var tags: [String] }
    }

    @Test func everyShapeIsWrittenAsJSONEncoderWritesIt() throws {
        #expect(try JSONTreeEncoder.prettyPrinted(Shapes()) == Self.foundation(Shapes()))
    }

    @Test func aNumberJSONCannotHoldIsAnError() {
        struct Bad: Encodable { var value = Double.nan }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.prettyPrinted(Bad()) }
    }
}
