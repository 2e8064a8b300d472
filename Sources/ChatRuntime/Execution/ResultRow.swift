/// One result row read by column, where a value of the wrong kind is an error naming the column
/// rather than a silent empty string: a schema that drifted from the queries fails loudly.
struct ResultRow {
    let values: [SQLValue]
    /// What the row is, for the error: `bot search hit`.
    let what: String

    init(_ values: [SQLValue], _ what: String) {
        self.values = values
        self.what = what
    }

    func text(_ index: Int, _ column: String) throws -> String { try required(index, column, "text", \.text) }
    func optionalText(_ index: Int, _ column: String) throws -> String? { try nullable(index, column, "text", \.text) }
    func double(_ index: Int, _ column: String) throws -> Double { try required(index, column, "a number", \.double) }
    func int(_ index: Int, _ column: String) throws -> Int64 { try required(index, column, "an integer", \.int) }
    func bool(_ index: Int, _ column: String) throws -> Bool { try required(index, column, "a boolean", \.bool) }
    func optionalInt(_ index: Int, _ column: String) throws -> Int64? { try nullable(index, column, "an integer", \.int) }
    func optionalDouble(_ index: Int, _ column: String) throws -> Double? { try nullable(index, column, "a number", \.double) }

    private func required<T>(_ index: Int, _ column: String, _ expected: String, _ read: (SQLValue) -> T?) throws -> T {
        guard let value = read(try value(index, column)) else { throw mismatch(index, column, expected) }
        return value
    }

    /// The value, or nil for NULL.
    private func nullable<T>(_ index: Int, _ column: String, _ expected: String, _ read: (SQLValue) -> T?) throws -> T? {
        let value = try value(index, column)
        if value == .null { return nil }
        guard let read = read(value) else { throw mismatch(index, column, expected + " or NULL") }
        return read
    }

    private func value(_ index: Int, _ column: String) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw SQLExecutionError.unsupportedValue("\(what): no column \(index + 1) (\(column)); the row has \(values.count)")
        }
        return values[index]
    }

    private func mismatch(_ index: Int, _ column: String, _ expected: String) -> SQLExecutionError {
        .unsupportedValue("\(what): column \(index + 1) (\(column)) should be \(expected) but is \(values[index])")
    }
}

extension SQLResult {
    /// The one row a query that always returns one (an aggregate, a scalar) returned; none is an
    /// error naming `what`, not a default value.
    func onlyRow(_ what: String) throws -> ResultRow {
        guard let values = rows.first else { throw SQLExecutionError.unsupportedValue("\(what): the query returned no row") }
        return ResultRow(values, what)
    }
}
