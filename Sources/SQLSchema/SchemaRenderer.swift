import Crypto

/// Writes a schema as idempotent PostgreSQL DDL: `CREATE EXTENSION/TABLE/INDEX IF NOT EXISTS` in
/// declaration order, then the row recording the schema's fingerprint in `schema_version`. Applying
/// it to a database that already has it changes nothing.
public enum SchemaRenderer {
    public static let versionTable = "schema_version"

    /// The schema's statements (without trailing semicolons), in the order they must run.
    public static func statements(_ schema: Schema) -> [String] {
        var statements = schema.extensions.map { "CREATE EXTENSION IF NOT EXISTS \(Identifier.quoted($0))" }
        statements.append("""
            CREATE TABLE IF NOT EXISTS \(versionTable) (
              fingerprint text NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now(),
              CONSTRAINT \(versionTable)_pkey PRIMARY KEY (fingerprint)
            )
            """)
        for table in schema.tables {
            statements.append(createTable(table))
            statements += table.indexes.map { createIndex($0, on: table) }
        }
        if let role = schema.applicationRole { statements += applicationRole(role, tables: schema.tables.map(\.name)) }
        return statements
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

    /// `sha256:<hex>` of the canonical DDL: the statements, one per paragraph.
    public static func fingerprint(_ schema: Schema) -> String {
        "sha256:" + sha256Hex(statements(schema).joined(separator: ";\n\n") + ";\n")
    }

    /// Lower-case hex SHA-256 of the text's UTF-8.
    static func sha256Hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: SHA256.hash(data: Array(text.utf8)).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }

    /// The statement that records `fingerprint` as applied; a no-op when it already is.
    public static func recordFingerprint(_ fingerprint: String) -> String {
        "INSERT INTO \(versionTable) (fingerprint) VALUES ('\(fingerprint)') ON CONFLICT (fingerprint) DO NOTHING"
    }

    /// The whole `schema.sql` file.
    public static func file(_ schema: Schema, header: [String]) -> String {
        let fingerprint = fingerprint(schema)
        var text = header.map { "-- \($0)\n" }.joined()
        text += "-- fingerprint: \(fingerprint)\n"
        text += "-- Idempotent: IF NOT EXISTS everywhere, so applying it again changes nothing.\n\n"
        text += "BEGIN;\n\n"
        text += (statements(schema) + [recordFingerprint(fingerprint)]).map { $0 + ";\n\n" }.joined()
        return text + "COMMIT;\n"
    }

    static func createTable(_ table: Table) -> String {
        var lines = table.columns.map(columnDefinition)
        let name = Identifier.quoted(table.name)
        if !table.primaryKey.isEmpty {
            lines.append("CONSTRAINT \(Identifier.quoted(table.name + "_pkey")) PRIMARY KEY (\(list(table.primaryKey)))")
        }
        for unique in table.uniques {
            lines.append("CONSTRAINT \(Identifier.quoted(([table.name] + unique + ["key"]).joined(separator: "_"))) UNIQUE (\(list(unique)))")
        }
        for key in table.foreignKeys {
            let constraint = Identifier.quoted(([table.name] + key.columns + ["fkey"]).joined(separator: "_"))
            lines.append("CONSTRAINT \(constraint) FOREIGN KEY (\(list(key.columns))) REFERENCES \(Identifier.quoted(key.table)) (\(list(key.referencedColumns))) ON DELETE \(key.onDelete.rawValue)")
        }
        for check in table.checks {
            lines.append("CONSTRAINT \(Identifier.quoted(check.name)) CHECK (\(check.expression))")
        }
        return "CREATE TABLE IF NOT EXISTS \(name) (\n" + lines.map { "  " + $0 }.joined(separator: ",\n") + "\n)"
    }

    static func columnDefinition(_ column: Column) -> String {
        var parts = [Identifier.quoted(column.name), typeName(column.type)]
        if case .generatedTSVector(let config, let sources) = column.type {
            let weighted = sources.map { "setweight(to_tsvector('\(config)', coalesce(\(Identifier.quoted($0.column)), '')), '\($0.weight)')" }
            parts.append("GENERATED ALWAYS AS (\(weighted.joined(separator: " || "))) STORED")
        }
        if !column.isNullable { parts.append("NOT NULL") }
        if let value = column.defaultValue { parts.append("DEFAULT \(value.expression)") }
        return parts.joined(separator: " ")
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
        case .textArray: "text[]"
        case .vector(let dimension): "vector(\(dimension))"
        case .halfvec(let dimension): "halfvec(\(dimension))"
        case .generatedTSVector: "tsvector"
        }
    }

    static func createIndex(_ index: Index, on table: Table) -> String {
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
        case .hnsw(let column, let op, let m, let efConstruction):
            let type = table.column(column)?.type ?? .vector(dimension: 0)
            sql = "CREATE INDEX IF NOT EXISTS \(target) USING hnsw (\(Identifier.quoted(column)) \(op.operatorClass(for: type))) WITH (m = \(m), ef_construction = \(efConstruction))"
        }
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        return sql
    }

    private static func list(_ names: [String]) -> String { names.map(Identifier.quoted).joined(separator: ", ") }
}
