import DataAPIWire
import Logging
import PostgresNIO

/// `columnMetadata` as the service reports it: JDBC type codes and PostgreSQL type names, the table
/// and schema a column comes from, nullability, and precision/scale from the type modifier.
enum ColumnMetadataBuilder {
    /// PostgreSQL type → (JDBC type code, type name, precision, signed).
    static let types: [UInt32: (jdbc: Int, name: String, precision: Int, signed: Bool)] = [
        16: (-7, "bool", 1, false), 17: (-2, "bytea", 2_147_483_647, false), 18: (1, "char", 1, false),
        19: (12, "name", 63, false), 20: (-5, "int8", 19, true), 21: (5, "int2", 5, true), 23: (4, "int4", 10, true),
        25: (12, "text", 2_147_483_647, false), 26: (-5, "oid", 10, false), 114: (1111, "json", 2_147_483_647, false),
        700: (7, "float4", 8, true), 701: (8, "float8", 17, true), 1042: (1, "bpchar", 2_147_483_647, false),
        1043: (12, "varchar", 2_147_483_647, false), 1082: (91, "date", 13, false), 1083: (92, "time", 15, false),
        1114: (93, "timestamp", 29, false), 1184: (93, "timestamptz", 35, false), 1700: (2, "numeric", 0, true),
        2950: (1111, "uuid", 2_147_483_647, false), 3802: (1111, "jsonb", 2_147_483_647, false), 2278: (1111, "void", 0, false),
    ]
    static let caseSensitive: Set<UInt32> = [18, 19, 25, 114, 1042, 1043, 3802]

    static func metadata(for columns: [StatementRunner.ResultColumn], extensionTypes: [UInt32: String],
                         on connection: PostgresConnection, logger: Logger) async throws -> [ColumnMetadata] {
        let sources = try await columnSources(columns, on: connection, logger: logger)
        return columns.map { column in
            var metadata = ColumnMetadata()
            metadata.name = column.name
            metadata.label = column.name
            let oid = column.type.rawValue
            if let element = ResultDecoding.arrayElementTypes[oid] {
                let base = types[element.rawValue]
                metadata.type = 2003
                metadata.typeName = "_" + (base?.name ?? "unknown")
                metadata.arrayBaseColumnType = base?.jdbc ?? 1111
                metadata.precision = 2_147_483_647
            } else if let known = types[oid] {
                metadata.type = known.jdbc
                metadata.typeName = known.name
                metadata.precision = known.precision
                metadata.isSigned = known.signed
                metadata.arrayBaseColumnType = 0
            } else {
                metadata.type = 1111
                metadata.typeName = extensionTypes[oid] ?? "unknown"
                metadata.precision = 2_147_483_647
                metadata.arrayBaseColumnType = 0
            }
            metadata.isSigned = metadata.isSigned ?? false
            metadata.scale = 0
            // varchar(n) and numeric(p,s) carry their size in the type modifier.
            if column.typeModifier > 4 {
                if oid == 1043 || oid == 1042 { metadata.precision = Int(column.typeModifier - 4) }
                if oid == 1700 {
                    metadata.precision = Int((column.typeModifier - 4) >> 16)
                    metadata.scale = Int((column.typeModifier - 4) & 0xFFFF)
                }
            }
            metadata.isCaseSensitive = caseSensitive.contains(oid)
            metadata.isCurrency = false
            let source = sources["\(column.tableOID)/\(column.attribute)"]
            metadata.tableName = source?.table ?? ""
            metadata.schemaName = source?.schema ?? ""
            metadata.isAutoIncrement = source?.autoIncrement ?? false
            metadata.nullable = source.map { $0.notNull ? 0 : 1 } ?? 2
            return metadata
        }
    }

    private struct Source {
        var table: String
        var schema: String
        var notNull: Bool
        var autoIncrement: Bool
    }

    /// The table, schema and constraints behind result columns that come straight from a table.
    private static func columnSources(_ columns: [StatementRunner.ResultColumn], on connection: PostgresConnection,
                                      logger: Logger) async throws -> [String: Source] {
        let tables = Set(columns.filter { $0.tableOID != 0 }.map(\.tableOID))
        guard !tables.isEmpty else { return [:] }
        let list = tables.sorted().map(String.init).joined(separator: ",")
        let query = PostgresQuery(unsafeSQL: """
            SELECT c.oid::int8, a.attnum::int4, c.relname::text, n.nspname::text, a.attnotnull,
                   (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid IN (\(list)) AND a.attnum > 0
            """)
        var sources: [String: Source] = [:]
        let rows = try await connection.query(query, logger: logger)
        for try await (oid, attribute, table, schema, notNull, autoIncrement) in rows.decode((Int64, Int32, String, String, Bool, Bool).self) {
            sources["\(oid)/\(attribute)"] = Source(table: table, schema: schema, notNull: notNull, autoIncrement: autoIncrement)
        }
        return sources
    }
}
