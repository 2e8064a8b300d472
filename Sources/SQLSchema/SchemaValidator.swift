import DSLCore

/// Finds mistakes in a schema declaration before any SQL is written: bad or duplicate names,
/// references to columns or tables that do not exist, indexes on the wrong column types, vector
/// dimensions outside what pgvector stores or indexes.
public enum SchemaValidator {
    /// pgvector stores `vector` up to 16,000 dimensions; HNSW indexes `vector` up to 2,000 and `halfvec` up to 4,000.
    public static let maximumVectorDimension = 16_000
    public static let maximumIndexedVectorDimension = 2_000
    public static let maximumIndexedHalfvecDimension = 4_000
    /// The text search configurations every PostgreSQL has (`\\dF` in psql).
    public static let builtInTextSearchConfigurations: Set<String> = [
        "simple", "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish", "french", "german", "greek", "hindi",
        "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian",
        "spanish", "swedish", "tamil", "turkish", "yiddish",
    ]
    /// What Secrets Manager's alternating-users rotation appends to a user name for the second user.
    public static let cloneSuffix = "_clone"

    /// Every mistake, each located at the declaration it concerns: the column's or the table's
    /// line, the schema's for what the schema itself declares.
    public static func problems(in schema: Schema) -> [Diagnostic] {
        checked.result(for: IdenticalSchema(schema)) { problems(inUnchecked: $0.schema) }
    }

    /// Every stage declares the chat schema; it is checked once for each schema identical in full.
    private static let checked = RecentResults<IdenticalSchema, [Diagnostic]>()

    private static func problems(inUnchecked schema: Schema) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        // What is being checked: the diagnostics' id and where it was declared.
        var context = (id: "schema.extension", location: schema.location)
        func report(_ subject: String, _ message: String) {
            problems.append(Diagnostic(context.id, location: context.location, subject: subject, message: message))
        }

        for name in schema.extensions {
            if let problem = Identifier.problem(with: name) { report("extension \"\(name)\"", "the name \(problem)") }
        }
        if let role = schema.applicationRole {
            context.id = "schema.role"
            let subject = "application role \"\(role)\""
            if let problem = Identifier.problem(with: role) {
                report(subject, "the name \(problem)")
            } else if !Identifier.isBare(role) || role.hasPrefix("pg_") || ["public", "postgres", "rdsadmin"].contains(role) {
                report(subject, "must be a plain lower-case name, not reserved, not starting with pg_, and not public, postgres or rdsadmin")
            }
            if role.utf8.count > Identifier.maximumLength - cloneSuffix.utf8.count {
                report(subject, "leaves no room for the \(cloneSuffix) user that alternating-users rotation creates; keep it to \(Identifier.maximumLength - cloneSuffix.utf8.count) bytes")
            }
        }
        context.id = "schema.text-search"
        for configuration in schema.textSearchConfigurations {
            let subject = "text search configuration \"\(configuration.name)\""
            if Identifier.problem(with: configuration.name) != nil || !Identifier.isBare(configuration.name) {
                report(subject, "must be a plain lower-case name")
            }
            if builtInTextSearchConfigurations.contains(configuration.name) { report(subject, "is built in; give the schema's own another name") }
            if !builtInTextSearchConfigurations.contains(configuration.copying) { report(subject, "copies \(configuration.copying), which is no built-in configuration") }
            if configuration.foldsAccents && !schema.extensions.contains("unaccent") { report(subject, "folds accents with the unaccent dictionary; add the unaccent extension to the schema") }
        }
        context.id = "schema.function"
        for name in schema.functions.map(\.name) + schema.queryFunctions.map(\.name)
        where Identifier.problem(with: name) != nil || !Identifier.isBare(name) {
            report("function \"\(name)\"", "must be a plain lower-case name")
        }
        for function in schema.queryFunctions {
            let subject = "function \"\(function.name)\""
            for argument in function.arguments where !Identifier.isBare(argument.name) || argument.type.contains("(") {
                report(subject, "argument \(argument.name) \(argument.type): give a plain lower-case name and a type without modifiers (vector, not vector(1024))")
            }
            for setting in function.settings where !setting.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                report(subject, "setting \(setting.name) is no configuration parameter name")
            }
        }
        var relationNames = Set<String>()
        for table in schema.tables {
            context = ("schema.table", table.location ?? schema.location)
            let subject = "table \"\(table.name)\""
            if let problem = Identifier.problem(with: table.name) { report(subject, "the name \(problem)") }
            if table.name == SchemaRenderer.versionTable { report(subject, "\(SchemaRenderer.versionTable) is reserved for the applied fingerprints; rename the table") }
            if !relationNames.insert(table.name).inserted { report(subject, "declared twice; table and index names share one namespace") }

            var columnNames = Set<String>()
            for column in table.columns {
                context = ("schema.column", column.location ?? table.location ?? schema.location)
                let columnSubject = "column \"\(table.name).\(column.name)\""
                if let problem = Identifier.problem(with: column.name) { report(columnSubject, "the name \(problem)") }
                if !columnNames.insert(column.name).inserted { report(columnSubject, "declared twice") }
                func checkSources(_ sources: [ColumnType.WeightedSource]) {
                    if sources.isEmpty { report(columnSubject, "a generated tsvector needs at least one source column") }
                    for source in sources {
                        if !"ABCD".contains(source.weight) { report(columnSubject, "weight '\(source.weight)' of \(source.column) must be A, B, C or D") }
                        guard let sourceColumn = table.column(source.column) else {
                            report(columnSubject, "source column \"\(source.column)\" is not a column of \(table.name)")
                            continue
                        }
                        if !sourceColumn.type.isText { report(columnSubject, "source column \"\(source.column)\" is not text") }
                    }
                }
                func checkNormalizer(_ normalizer: String?) {
                    if let normalizer, !schema.functions.contains(where: { $0.name == normalizer && $0.returns == "text" }) {
                        report(columnSubject, "normalizer \"\(normalizer)\" is not one of the schema's immutable functions returning text; declare it in functions")
                    }
                }
                switch column.type {
                case .vector(let dimension), .halfvec(let dimension):
                    if dimension < 1 || dimension > maximumVectorDimension {
                        report(columnSubject, "dimension \(dimension) is outside 1–16,000, the range pgvector stores")
                    }
                case .generatedTSVector(let config, let normalizer, let sources):
                    if Identifier.problem(with: config) != nil || !Identifier.isBare(config) {
                        report(columnSubject, "text search configuration \"\(config)\" must be a plain lower-case name such as english or simple")
                    }
                    if !Self.builtInTextSearchConfigurations.contains(config) && !schema.textSearchConfigurations.contains(where: { $0.name == config }) {
                        report(columnSubject, "text search configuration \"\(config)\" is neither built in (\(Self.builtInTextSearchConfigurations.sorted().joined(separator: ", "))) nor declared in the schema's textSearchConfigurations")
                    }
                    checkNormalizer(normalizer)
                    checkSources(sources)
                case .generatedTSVectorPerRow(let detector, let normalizer, let sources):
                    if !schema.functions.contains(where: { $0.name == detector && $0.returns == "regconfig" }) {
                        report(columnSubject, "detector \"\(detector)\" is not one of the schema's immutable functions returning regconfig; declare it in functions")
                    }
                    checkNormalizer(normalizer)
                    checkSources(sources)
                default: break
                }
            }

            context = ("schema.constraint", table.location ?? schema.location)
            func checkColumns(_ names: [String], _ what: String) {
                if names.isEmpty { report(subject, "\(what) lists no columns") }
                for name in names where table.column(name) == nil {
                    report(subject, "\(what) names column \"\(name)\", which \(table.name) does not have")
                }
            }
            if !table.primaryKey.isEmpty { checkColumns(table.primaryKey, "the primary key") }
            for unique in table.uniques { checkColumns(unique, "a unique constraint") }
            for check in table.checks {
                if let problem = Identifier.problem(with: check.name) { report(subject, "check \"\(check.name)\": the name \(problem)") }
            }
            for key in table.foreignKeys {
                checkColumns(key.columns, "a foreign key")
                guard let target = schema.table(key.table) else {
                    report(subject, "a foreign key references table \"\(key.table)\", which the schema does not declare")
                    continue
                }
                for name in key.referencedColumns where target.column(name) == nil {
                    report(subject, "a foreign key references \"\(key.table).\(name)\", which does not exist")
                }
                if key.columns.count != key.referencedColumns.count {
                    report(subject, "a foreign key pairs \(key.columns.count) columns with \(key.referencedColumns.count)")
                }
            }

            for index in table.indexes {
                context = ("schema.index", table.location ?? schema.location)
                let indexSubject = "index \"\(index.name)\" on \(table.name)"
                if let problem = Identifier.problem(with: index.name) { report(indexSubject, "the name \(problem)") }
                if !relationNames.insert(index.name).inserted { report(indexSubject, "the name is already used by another table or index") }
                let missing = index.columns.filter { table.column($0) == nil }
                for name in missing { report(indexSubject, "names column \"\(name)\", which \(table.name) does not have") }
                if index.columns.isEmpty { report(indexSubject, "lists no columns") }
                guard missing.isEmpty, let first = index.columns.first, let column = table.column(first) else { continue }
                switch index.method {
                case .btree: break
                case .arrayGIN:
                    if column.type != .textArray { report(indexSubject, "an array GIN index needs an array column; \(first) is not one") }
                case .fullText:
                    if column.type.tsvectorSources == nil { report(indexSubject, "full-text GIN needs a tsvector column; \(first) is not one") }
                case .foldedTrigramGiST(_, let function):
                    if !column.type.isText { report(indexSubject, "a trigram index needs a text column; \(first) is not text") }
                    if !schema.extensions.contains("pg_trgm") { report(indexSubject, "trigram operator classes need the pg_trgm extension; add it to the schema") }
                    if !schema.functions.contains(function) { report(indexSubject, "calls \(function.name), which the schema does not declare; add it to the schema's functions") }
                case .trigramGIN, .trigramGiST:
                    if !column.type.isText { report(indexSubject, "a trigram index needs a text column; \(first) is not text") }
                    if !schema.extensions.contains("pg_trgm") { report(indexSubject, "trigram operator classes need the pg_trgm extension; add it to the schema") }
                case .hnsw(_, _, let m, let efConstruction):
                    if !schema.extensions.contains("vector") { report(indexSubject, "HNSW needs the vector extension; add it to the schema") }
                    if !(2...100).contains(m) { report(indexSubject, "m \(m) is outside pgvector's 2–100") }
                    if efConstruction < 4 || efConstruction > 1000 || efConstruction < 2 * m {
                        report(indexSubject, "ef_construction \(efConstruction) must be 4–1,000 and at least 2 × m (\(2 * m))")
                    }
                    switch column.type {
                    case .vector(let dimension) where dimension > maximumIndexedVectorDimension:
                        report(indexSubject, "HNSW indexes vector columns of at most 2,000 dimensions; \(first) has \(dimension): declare it halfvec(\(dimension)) (up to 4,000) or use a smaller embedding")
                    case .halfvec(let dimension) where dimension > maximumIndexedHalfvecDimension:
                        report(indexSubject, "HNSW indexes halfvec columns of at most 4,000 dimensions; \(first) has \(dimension)")
                    case .vector, .halfvec: break
                    default: report(indexSubject, "HNSW needs a vector or halfvec column; \(first) is neither")
                    }
                }
            }
        }
        return problems
    }
}
