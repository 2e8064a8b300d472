import DataAPIWire
import Logging
import NIOCore
import PostgresNIO

/// Runs one Data API statement on a PostgreSQL connection and shapes the response like the service:
/// named parameters bound by position, records as `Field`s, `columnMetadata` when asked,
/// `formattedRecords` for `formatRecordsAs: JSON`, and the service's limits enforced.
struct StatementRunner: Sendable {
    /// The service refuses a response larger than this.
    static let maximumResponseBytes = 1 << 20
    static let maximumSQLLength = 65_536
    /// Statements whose results are rows; everything else reports a row count.
    static let rowReturningKeywords: Set<String> = ["SELECT", "WITH", "VALUES", "TABLE", "SHOW", "EXPLAIN", "FETCH"]

    let logger: Logger

    struct Prepared {
        var sql: String
        var bindings: [PostgresData]
        var returnsRows: Bool
    }

    static func prepare(sql: String, parameters: [SqlParameter]) throws(DataAPIError) -> Prepared {
        guard !sql.isEmpty else { throw .badRequest("SQL statement must not be empty") }
        guard sql.count <= maximumSQLLength else {
            throw .badRequest("SQL statement is \(sql.count) characters; the limit is \(maximumSQLLength)")
        }
        func rewrite(casts: [String: String]) throws(DataAPIError) -> SQLScanner.Rewritten {
            do {
                return try SQLScanner.rewrite(sql, casts: casts)
            } catch {
                switch error {
                case .multipleStatements: throw .badRequest("Multistatements aren't supported.")
                case .unterminated(let what): throw .badRequest("The SQL has an unterminated \(what)")
                }
            }
        }
        var rewritten = try rewrite(casts: [:])
        let bound: [String: ParameterBinding.Bound]
        do {
            bound = try ParameterBinding.bindings(for: rewritten.names, from: parameters)
        } catch {
            throw .badRequest(error.message)
        }
        let casts = bound.compactMapValues(\.cast)
        if !casts.isEmpty { rewritten = try rewrite(casts: casts) }
        return Prepared(sql: rewritten.sql, bindings: rewritten.names.compactMap { bound[$0]?.data },
                        returnsRows: rowReturningKeywords.contains(SQLScanner.leadingKeyword(sql)))
    }

    /// Raw result of one statement before conversion.
    struct RawResult {
        var columns: [ResultColumn]
        var rows: [[ByteBuffer?]]
        var updated: Int64
    }

    struct ResultColumn {
        var name: String
        var type: PostgresDataType
        var typeModifier: Int32
        var tableOID: UInt32
        var attribute: Int16
    }

    func run(_ prepared: Prepared, on connection: PostgresConnection) async throws -> RawResult {
        if prepared.returnsRows {
            var bindings = PostgresBindings(capacity: prepared.bindings.count)
            for value in prepared.bindings { bindings.append(value) }
            let sequence = try await connection.query(PostgresQuery(unsafeSQL: prepared.sql, binds: bindings), logger: logger)
            let columns = sequence.columns.map {
                ResultColumn(name: $0.name, type: $0.dataType, typeModifier: $0.dataTypeModifier,
                             tableOID: UInt32(bitPattern: $0.tableOID), attribute: $0.columnAttributeNumber)
            }
            var rows: [[ByteBuffer?]] = []
            for try await row in sequence { rows.append(row.map(\.bytes)) }
            return RawResult(columns: columns, rows: rows, updated: 0)
        }
        let collected = RowCollector()
        try await connection.query(prepared.sql, prepared.bindings, onMetadata: { metadata in
            collected.setUpdated(Int64(metadata.rows ?? 0))
        }, onRow: { row in
            collected.append(row)
        }).get()
        return collected.result
    }

    /// Converts a raw result into the response the caller asked for.
    func response(_ raw: RawResult, request options: ResponseOptions, on connection: PostgresConnection) async throws -> ExecuteStatementResponse {
        let extensionTypes = try await extensionTypeNames(raw.columns.map(\.type), on: connection)
        let decoding = ResultDecoding(options: options.resultSetOptions, extensionTypes: extensionTypes)
        var records: [[Field]] = []
        records.reserveCapacity(raw.rows.count)
        var size = 0
        for row in raw.rows {
            var fields: [Field] = []
            fields.reserveCapacity(row.count)
            for (index, bytes) in row.enumerated() {
                do {
                    fields.append(try decoding.field(bytes, type: raw.columns[index].type))
                } catch {
                    throw DataAPIError(.unsupportedResult, error.message)
                }
                size += bytes?.readableBytes ?? 4
            }
            size += 16 * row.count
            if size > Self.maximumResponseBytes {
                throw DataAPIError.badRequest("Database returned more than the allowed response size limit")
            }
            records.append(fields)
        }
        var response = ExecuteStatementResponse(numberOfRecordsUpdated: raw.updated)
        if options.formatAsJSON {
            let names = raw.columns.map(\.name)
            if let duplicate = FormattedRecords.firstDuplicate(in: names) {
                throw DataAPIError.badRequest(
                    "The result set has more than one column named \"\(duplicate)\", so it cannot be formatted as JSON; give each column a unique alias with AS")
            }
            let formatted = FormattedRecords.json(columns: names, records: records)
            guard formatted.utf8.count <= 10 * (1 << 20) else {
                throw DataAPIError.badRequest("Database returned more than the allowed response size limit")
            }
            response.formattedRecords = formatted
            return response
        }
        if raw.rows.isEmpty && !raw.columns.isEmpty || !raw.rows.isEmpty {
            response.records = records
        }
        if raw.columns.isEmpty && raw.rows.isEmpty { response.generatedFields = [] }
        if options.includeMetadata {
            response.columnMetadata = try await ColumnMetadataBuilder.metadata(for: raw.columns, extensionTypes: extensionTypes,
                                                                                on: connection, logger: logger)
        }
        return response
    }

    struct ResponseOptions {
        var includeMetadata: Bool
        var formatAsJSON: Bool
        var resultSetOptions: ResultSetOptions
    }

    /// Names of the non-built-in types in a result (pgvector's `vector`, …), whose OIDs vary by database.
    private func extensionTypeNames(_ types: [PostgresDataType], on connection: PostgresConnection) async throws -> [UInt32: String] {
        let unknown = Set(types.map(\.rawValue).filter { $0 >= 16_384 })
        guard !unknown.isEmpty else { return [:] }
        let list = unknown.sorted().map(String.init).joined(separator: ",")
        var names: [UInt32: String] = [:]
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT oid::int8, typname::text FROM pg_type WHERE oid IN (\(list))"), logger: logger)
        for try await (oid, name) in rows.decode((Int64, String).self) { names[UInt32(oid)] = name }
        return names
    }
}

/// Collects rows and the command's row count from the callback-style query API.
private final class RowCollector: @unchecked Sendable {
    private var columns: [StatementRunner.ResultColumn] = []
    private var rows: [[ByteBuffer?]] = []
    private var updated: Int64 = 0
    // Callbacks arrive one at a time on the connection's event loop; the result is read after the query completes.

    func setUpdated(_ value: Int64) { updated = value }

    func append(_ row: PostgresRow) {
        if columns.isEmpty {
            columns = row.map { StatementRunner.ResultColumn(name: $0.columnName, type: $0.dataType, typeModifier: -1, tableOID: 0, attribute: 0) }
        }
        rows.append(row.map(\.bytes))
    }

    var result: StatementRunner.RawResult { .init(columns: columns, rows: rows, updated: updated) }
}
