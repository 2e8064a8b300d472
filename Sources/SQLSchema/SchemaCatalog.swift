import Crypto

/// The shape of a database as one sorted line per object: extensions, tables, columns with their
/// types, nullability and whether they have a default or are generated, constraints with their
/// columns, and indexes with their method, columns, operator classes and storage parameters.
///
/// Synth computes it from a `Schema`; the migrator reads it from PostgreSQL's catalog with
/// `introspectionQuery`. Both give the same lines for the same shape, so the digest of the lines
/// is a schema's fingerprint, and a migration is recorded only when the database's digest is the
/// one the migration promises. Expressions (defaults, checks, predicates, generated columns) count
/// only by their presence: PostgreSQL rewrites their text, so it cannot be compared with the DSL's.
public enum SchemaCatalog {
    /// The table the migrator keeps its history in, and the one that holds its lock; they are no part of any schema.
    public static let versionTable = "schema_version"
    public static let lockTable = "schema_version_lock"
    static let bookkeeping = "('\(versionTable)', '\(lockTable)')"

    public static func lines(_ schema: Schema) -> [String] { RenderedSchemas.of(schema).lines }

    static func describe(_ schema: Schema) -> [String] {
        var lines = schema.extensions.map { "extension \($0)" }
        lines += schema.functions.map { "function \($0.name)(\($0.argument))" }
        lines += schema.queryFunctions.map { "function \($0.signature)" }
        lines += schema.textSearchConfigurations.map { "text search configuration \($0.name)" }
        for table in schema.tables {
            let name = table.name
            lines.append("table \(name)")
            for column in table.columns {
                var line = "column \(name).\(column.name) \(catalogTypeName(column.type))"
                if !column.isNullable || table.primaryKey.contains(column.name) { line += " not null" }
                if column.type.tsvectorSources != nil {
                    line += " generated"
                } else if column.defaultValue != nil {
                    line += " default"
                }
                lines.append(line)
            }
            for constraint in constraints(of: table) { lines.append("constraint \(name).\(constraint.name) \(constraint.shape)") }
            for index in table.indexes { lines.append("index \(name).\(index.name) \(shape(of: index, in: table))") }
        }
        return lines.sorted()
    }

    /// `sha256:<hex>` of the lines, one per line.
    public static func digest(_ lines: [String]) -> String { digest(sortedLines: lines.sorted()) }

    /// `digest` of lines already in order (a replayed catalog's), without sorting them again.
    static func digest(sortedLines lines: [String]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            text.append(contentsOf: line.utf8)
            text.append(UInt8(ascii: "\n"))
        }
        return "sha256:" + hex(SHA256.hash(data: text))
    }

    public static func fingerprint(_ schema: Schema) -> String { RenderedSchemas.of(schema).fingerprint }

    /// A named constraint and how the catalog describes it.
    public struct Constraint: Equatable, Sendable {
        public var name: String
        public var shape: String
        /// The SQL after `ADD CONSTRAINT name`.
        public var definition: String
        /// The declaration it comes from.
        public var element: TableConstraint
    }

    /// The table's constraints, named as the renderer names them (`<table>_pkey`, `<table>_<columns>_key`, …).
    public static func constraints(of table: Table) -> [Constraint] {
        elements(of: table).map { constraint($0, of: table.name) }
    }

    /// The table's constraint declarations, in the order they are created.
    static func elements(of table: Table) -> [TableConstraint] {
        (table.primaryKey.isEmpty ? [] : [.primaryKey(table.primaryKey)]) + table.uniques.map(TableConstraint.unique)
            + table.foreignKeys.map(TableConstraint.foreignKey) + table.checks.map(TableConstraint.check)
    }

    /// One declaration as a named constraint of `table`.
    public static func constraint(_ element: TableConstraint, of table: String) -> Constraint {
        switch element {
        case .primaryKey(let columns):
            Constraint(name: table + "_pkey", shape: "primary key (\(columns.joined(separator: ", ")))",
                       definition: "PRIMARY KEY (\(quotedList(columns)))", element: element)
        case .unique(let columns):
            Constraint(name: ([table] + columns + ["key"]).joined(separator: "_"), shape: "unique (\(columns.joined(separator: ", ")))",
                       definition: "UNIQUE (\(quotedList(columns)))", element: element)
        case .foreignKey(let key):
            Constraint(name: ([table] + key.columns + ["fkey"]).joined(separator: "_"),
                       shape: "foreign key (\(key.columns.joined(separator: ", "))) references \(key.table) (\(key.referencedColumns.joined(separator: ", "))) on delete \(key.onDelete.rawValue.lowercased())",
                       definition: "FOREIGN KEY (\(quotedList(key.columns))) REFERENCES \(Identifier.quoted(key.table)) (\(quotedList(key.referencedColumns))) ON DELETE \(key.onDelete.rawValue)",
                       element: element)
        case .check(let check):
            Constraint(name: check.name, shape: "check", definition: "CHECK (\(check.expression))", element: element)
        }
    }

    /// `btree (owner_id, updated_at desc)`, `hnsw (embedding vector_cosine_ops) with (ef_construction=64, m=16)`, …
    public static func shape(of index: Index, in table: Table) -> String {
        var text: String
        switch index.method {
        case .btree(let columns, let unique):
            text = "btree" + (unique ? " unique" : "") + " (" + columns.map { $0.name + ($0.descending ? " desc" : "") }.joined(separator: ", ") + ")"
        case .fullText(let column): text = "gin (\(column) tsvector_ops)"
        case .arrayGIN(let column): text = "gin (\(column) array_ops)"
        case .trigramGIN(let column): text = "gin (\(column) gin_trgm_ops)"
        case .trigramGiST(let column): text = "gist (\(column) gist_trgm_ops)"
        case .foldedTrigramGiST: text = "gist (expression gist_trgm_ops)"
        case .hnsw(let column, let op, let m, let efConstruction):
            let type = table.column(column)?.type ?? .vector(dimension: 0)
            text = "hnsw (\(column) \(op.operatorClass(for: type))) with (ef_construction=\(efConstruction), m=\(m))"
        }
        if index.predicate != nil { text += " where" }
        return text
    }

    /// The type as PostgreSQL's `format_type` writes it.
    public static func catalogTypeName(_ type: ColumnType) -> String {
        switch type {
        case .timestamptz: "timestamp with time zone"
        default: SchemaRenderer.typeName(type)
        }
    }

    /// One query, the same on both backends, whose rows are the database's lines (in any order):
    /// everything in schema `public` except the migrator's own tables, and every extension but
    /// plpgsql (which every database has). An extension installed by hand shows as a difference.
    public static let introspectionQuery = """
        SELECT 'extension ' || e.extname FROM pg_catalog.pg_extension e WHERE e.extname <> 'plpgsql'
        UNION ALL
        SELECT 'function ' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
               WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT 'text search configuration ' || c.cfgname FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
         WHERE n.nspname = 'public'
        UNION ALL
        SELECT 'table ' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT IN \(bookkeeping)
        UNION ALL
        SELECT 'column ' || c.relname || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || CASE WHEN a.attgenerated <> '' THEN ' generated' WHEN a.atthasdef THEN ' default' ELSE '' END
          FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT IN \(bookkeeping) AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT 'constraint ' || c.relname || '.' || k.conname || ' '
               || CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key' ELSE 'check' END
               || CASE WHEN k.contype = 'c' THEN '' ELSE ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY x.n) FROM unnest(k.conkey) WITH ORDINALITY x(attnum, n)
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum) || ')' END
               || CASE WHEN k.contype = 'f' THEN ' references ' || f.relname || ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY x.n)
                    FROM unnest(k.confkey) WITH ORDINALITY x(attnum, n) JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.attnum)
                    || ') on delete ' || CASE k.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'r' THEN 'restrict' WHEN 'd' THEN 'set default' ELSE 'no action' END
                  ELSE '' END
               || CASE WHEN k.convalidated THEN '' ELSE ' not valid' END
          FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
         WHERE n.nspname = 'public' AND c.relname NOT IN \(bookkeeping) AND k.contype IN ('p', 'u', 'f', 'c')
        UNION ALL
        SELECT 'index ' || t.relname || '.' || i.relname || ' ' || am.amname || CASE WHEN x.indisunique THEN ' unique' ELSE '' END
               || ' (' || (SELECT string_agg(coalesce(a.attname, 'expression') || CASE WHEN am.amname = 'btree'
                                THEN CASE WHEN (x.indoption[k.n - 1] & 1) = 1 THEN ' desc' ELSE '' END ELSE ' ' || oc.opcname END, ', ' ORDER BY k.n)
                           FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                           JOIN pg_catalog.pg_opclass oc ON oc.oid = x.indclass[k.n - 1]) || ')'
               || CASE WHEN i.reloptions IS NULL THEN '' ELSE ' with (' || (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(i.reloptions) o) || ')' END
               || CASE WHEN x.indpred IS NULL THEN '' ELSE ' where' END
               || CASE WHEN x.indisvalid THEN '' ELSE ' invalid' END
          FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace JOIN pg_catalog.pg_am am ON am.oid = i.relam
         WHERE n.nspname = 'public' AND t.relname NOT IN \(bookkeeping)
           AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
        """

    /// What differs between two descriptions: lines only the expected has, and lines only the actual has.
    public static func differences(expected: [String], actual: [String]) -> (missing: [String], unexpected: [String]) {
        let expectedSet = Set(expected), actualSet = Set(actual)
        return (expected.filter { !actualSet.contains($0) }.sorted(), actual.filter { !expectedSet.contains($0) }.sorted())
    }

    static func quotedList(_ names: [String]) -> String { names.map(Identifier.quoted).joined(separator: ", ") }

    /// Lower-case hex of a digest.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
