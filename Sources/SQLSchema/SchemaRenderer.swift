import Crypto

/// Writes a schema as PostgreSQL DDL: the statements that create it in an empty database, in
/// declaration order, the role statements the migrator runs after every migration, and
/// `schema.sql`, the file a new database is created from.
public enum SchemaRenderer {
    public static let versionTable = SchemaCatalog.versionTable

    /// Extensions, text search configurations, functions (which may name a configuration), each table
    /// with its indexes, then the functions that query the tables (without trailing semicolons), in
    /// the order they must run.
    public static func statements(_ schema: Schema) -> [String] { RenderedSchemas.of(schema).statements }

    static func render(_ schema: Schema) -> [String] {
        var statements = schema.extensions.map(createExtension)
        statements += schema.textSearchConfigurations.flatMap(\.statements)
        statements += schema.functions.map(\.statement)
        for table in schema.tables {
            statements.append(createTable(table))
            statements += table.indexes.map { createIndex($0, on: table) }
        }
        return statements + schema.queryFunctions.map(\.statement)
    }

    /// The application role and its grants; idempotent, so the migrator runs them after every
    /// migration (a new table gets its grant, a role changed by hand is put back).
    public static func roleStatements(_ schema: Schema) -> [String] {
        guard let role = schema.applicationRole else { return [] }
        return applicationRole(role, tables: schema.tables.map(\.name))
    }

    static func createExtension(_ name: String) -> String { "CREATE EXTENSION IF NOT EXISTS \(Identifier.quoted(name))" }

    /// Brings the migrator's history table to its current shape, whatever shape it had: a database
    /// created before versioned migrations has `(fingerprint PRIMARY KEY, applied_at)`, whose rows are
    /// kept (with no version) and whose columns stay, so a runtime of that time can still read it.
    public static let historyStatements = [
        "CREATE TABLE IF NOT EXISTS \(versionTable) (fingerprint text, applied_at timestamptz NOT NULL DEFAULT now())",
        "ALTER TABLE \(versionTable) DROP CONSTRAINT IF EXISTS \(versionTable)_pkey",
        "ALTER TABLE \(versionTable) ALTER COLUMN fingerprint DROP NOT NULL",
        "ALTER TABLE \(versionTable) ADD COLUMN IF NOT EXISTS version integer, ADD COLUMN IF NOT EXISTS name text, "
            + "ADD COLUMN IF NOT EXISTS checksum text, ADD COLUMN IF NOT EXISTS how text, "
            + "ADD COLUMN IF NOT EXISTS started_at timestamptz, ADD COLUMN IF NOT EXISTS finished_at timestamptz",
        "CREATE UNIQUE INDEX IF NOT EXISTS \(versionTable)_version_key ON \(versionTable) (version)",
    ]

    /// Stops `schema.sql` on a database that already has a schema: an existing database is upgraded
    /// by its migrations, never by re-running the full schema (which would record a version the
    /// tables do not have).
    public static let emptyDatabaseGuard = """
        DO $$
        BEGIN
          IF to_regclass('\(versionTable)') IS NOT NULL THEN
            RAISE EXCEPTION 'this database already has a schema (table \(versionTable) exists): upgrade it with chat-store migrate, not schema.sql';
          END IF;
        END
        $$
        """

    /// A finished version for the history.
    public struct HistoryRow: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var checksum: String
        public var fingerprint: String
        public init(version: Int, name: String, checksum: String, fingerprint: String) {
            self.version = version
            self.name = name
            self.checksum = checksum
            self.fingerprint = fingerprint
        }
    }

    /// How a version came to be recorded.
    public enum How: String, Sendable {
        /// The migration ran.
        case applied
        /// The database was created from schema.sql at that version or later.
        case created
        /// The database was created before versioned migrations and its tables matched the version.
        case adopted
    }

    /// Records versions as finished; a no-op for a version already recorded.
    public static func recordFinished(_ rows: [HistoryRow], how: How) -> String {
        let values = rows.map { "(\($0.version), \(literal($0.name)), \(literal($0.checksum)), \(literal($0.fingerprint)), '\(how.rawValue)', now(), now())" }
        return "INSERT INTO \(versionTable) (version, name, checksum, fingerprint, how, started_at, finished_at) VALUES "
            + values.joined(separator: ", ") + " ON CONFLICT (version) DO NOTHING"
    }

    /// A SQL string literal of text synth wrote (names, checksums): quotes doubled.
    static func literal(_ text: String) -> String {
        var quoted: [UInt8] = [UInt8(ascii: "'")]
        quoted.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            quoted.append(byte)
            if byte == UInt8(ascii: "'") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "'"))
        return String(decoding: quoted, as: UTF8.self)
    }

    /// Creates the application role unless it exists (a concurrent migrator may create it first:
    /// roles belong to the whole cluster), checks that an existing one has no more power than it
    /// should, and grants row access to the tables and read access to the applied fingerprints. Its
    /// password is not here: the migrator sets it from the role's secret. Aurora's master user is no
    /// superuser, so it cannot take SUPERUSER, REPLICATION or BYPASSRLS away (only refuse to go on),
    /// nor name them in ALTER ROLE at all.
    static func applicationRole(_ role: String, tables: [String]) -> [String] {
        let name = Identifier.quoted(role)
        let found = "SELECT FROM pg_catalog.pg_roles WHERE rolname = '\(role)'"
        return [
            """
            DO $$
            BEGIN
              IF NOT EXISTS (\(found)) THEN
                CREATE ROLE \(name) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
              NULL;
            END
            $$
            """,
            """
            DO $$
            BEGIN
              IF EXISTS (\(found) AND (rolsuper OR rolreplication OR rolbypassrls)) OR EXISTS (
                SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member WHERE r.rolname = '\(role)'
              ) THEN
                RAISE EXCEPTION 'role \(role) has SUPERUSER, REPLICATION, BYPASSRLS or another role''s privileges; an administrator must take them away';
              END IF;
              IF EXISTS (\(found) AND (rolcreatedb OR rolcreaterole OR NOT rolcanlogin)) THEN
                ALTER ROLE \(name) LOGIN NOCREATEDB NOCREATEROLE;
              END IF;
            END
            $$
            """,
            // PostgreSQL before 15 lets every role create objects in `public`.
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "GRANT USAGE ON SCHEMA public TO \(name)",
            "GRANT SELECT ON TABLE \(versionTable) TO \(name)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE \(tables.map(Identifier.quoted).joined(separator: ", ")) TO \(name)",
        ]
    }

    /// The schema's fingerprint: the digest of its catalog description (`SchemaCatalog`).
    public static func fingerprint(_ schema: Schema) -> String { SchemaCatalog.fingerprint(schema) }

    /// `sha256:<hex>` of the statements that create the schema. Unlike the fingerprint, which
    /// describes what the catalog shows, it moves with everything a migration can change, a query
    /// function's settings and body included: a deploy that must run the migrator can tell by it.
    public static func definitionDigest(_ schema: Schema) -> String { RenderedSchemas.of(schema).definitionDigest }

    /// Lower-case hex SHA-256 of the text's UTF-8.
    static func sha256Hex(_ text: String) -> String { SchemaCatalog.hex(SHA256.hash(data: Array(text.utf8))) }

    /// The whole `schema.sql`: for an empty database only. It creates the schema and records the
    /// migrations in `history` as done, since the database it makes is where they lead.
    public static func file(_ schema: Schema, header: [String], history: [HistoryRow]) -> String {
        var text = header.map { "-- \($0)\n" }.joined()
        text += "-- fingerprint: \(fingerprint(schema))\n"
        if let last = history.last { text += "-- version: \(last.version)\n" }
        text += "-- For an empty database only: it refuses one that has a schema. `chat-store migrate` upgrades an existing database.\n\n"
        text += "BEGIN;\n\n"
        var all = [emptyDatabaseGuard] + statements(schema) + historyStatements
        if !history.isEmpty { all.append(recordFinished(history, how: .created)) }
        all += roleStatements(schema)
        text += all.map { $0 + ";\n\n" }.joined()
        return text + "COMMIT;\n"
    }

    static func createTable(_ table: Table) -> String {
        var lines = table.columns.map(columnDefinition)
        let name = Identifier.quoted(table.name)
        for constraint in SchemaCatalog.constraints(of: table) {
            lines.append("CONSTRAINT \(Identifier.quoted(constraint.name)) \(constraint.definition)")
        }
        return "CREATE TABLE IF NOT EXISTS \(name) (\n" + lines.map { "  " + $0 }.joined(separator: ",\n") + "\n)"
    }

    static func columnDefinition(_ column: Column) -> String {
        var parts = [Identifier.quoted(column.name), typeName(column.type)]
        switch column.type {
        case .generatedTSVector(let config, let normalizer, let sources):
            parts.append(generatedTSVector(configuration: "'\(config)'", normalizer: normalizer, sources: sources))
        case .generatedTSVectorPerRow(let detector, let normalizer, let sources):
            parts.append(generatedTSVector(configuration: detectedConfiguration(detector, of: sources.map(\.column)), normalizer: normalizer, sources: sources))
        default: break
        }
        if !column.isNullable { parts.append("NOT NULL") }
        if let value = column.defaultValue { parts.append("DEFAULT \(value.expression)") }
        return parts.joined(separator: " ")
    }

    /// Each source in `configuration` (passed through `normalizer` first, if any) with its weight, concatenated.
    static func generatedTSVector(configuration: String, normalizer: String?, sources: [ColumnType.WeightedSource]) -> String {
        let weighted = sources.map { source in
            let text = "coalesce(\(Identifier.quoted(source.column)), '')"
            return "setweight(to_tsvector(\(configuration), \(normalizer.map { "public.\(Identifier.quoted($0))(\(text))" } ?? text)), '\(source.weight)')"
        }
        return "GENERATED ALWAYS AS (\(weighted.joined(separator: " || "))) STORED"
    }

    /// The configuration `detector` picks for a row from all of `columns`, as a per-row tsvector is
    /// generated (`TextSearchSettings.configuration(of:table:)` writes the same for queries).
    static func detectedConfiguration(_ detector: String, of columns: [String]) -> String {
        let text = columns.map { "coalesce(\(Identifier.quoted($0)), '')" }.joined(separator: " || ' ' || ")
        return "public.\(Identifier.quoted(detector))(\(text))"
    }

    public static func typeName(_ type: ColumnType) -> String {
        switch type {
        case .uuid: "uuid"
        case .text: "text"
        case .bigint: "bigint"
        case .integer: "integer"
        case .boolean: "boolean"
        case .jsonb: "jsonb"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .textArray: "text[]"
        case .vector(let dimension): "vector(\(dimension))"
        case .halfvec(let dimension): "halfvec(\(dimension))"
        case .generatedTSVector, .generatedTSVectorPerRow: "tsvector"
        }
    }

    /// `concurrently` builds it without blocking writes (outside a transaction), for a table that has rows.
    static func createIndex(_ index: Index, on table: Table, concurrently: Bool = false) -> String {
        let target = "\(Identifier.quoted(index.name)) ON \(Identifier.quoted(table.name))"
        var sql: String
        switch index.method {
        case .btree(let columns, let unique):
            let keys = columns.map { Identifier.quoted($0.name) + ($0.descending ? " DESC" : "") }.joined(separator: ", ")
            sql = "CREATE \(unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(target) (\(keys))"
        case .fullText(let column):
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING gin (\(Identifier.quoted(column)))"
        case .trigramGIN(let column):
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING gin (\(Identifier.quoted(column)) gin_trgm_ops)"
        case .arrayGIN(let column):
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING gin (\(Identifier.quoted(column)))"
        case .trigramGiST(let column):
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING gist (\(Identifier.quoted(column)) gist_trgm_ops)"
        case .foldedTrigramGiST(let column, let function):
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING gist ((\(function.call(column))) gist_trgm_ops)"
        case .hnsw(let column, let op, let m, let efConstruction):
            let type = table.column(column)?.type ?? .vector(dimension: 0)
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING hnsw (\(Identifier.quoted(column)) \(op.operatorClass(for: type))) WITH (m = \(m), ef_construction = \(efConstruction))"
        }
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        if concurrently, let range = sql.range(of: "INDEX IF NOT EXISTS") {
            sql.replaceSubrange(range, with: "INDEX CONCURRENTLY IF NOT EXISTS")
        }
        return sql
    }

}
