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

    func text(_ index: Int, _ column: String) throws -> String {
        guard let text = try value(index, column).text else { throw mismatch(index, column, "text") }
        return text
    }

    /// Text or NULL.
    func optionalText(_ index: Int, _ column: String) throws -> String? {
        let value = try value(index, column)
        if value == .null { return nil }
        guard let text = value.text else { throw mismatch(index, column, "text or NULL") }
        return text
    }

    func double(_ index: Int, _ column: String) throws -> Double {
        guard let number = try value(index, column).double else { throw mismatch(index, column, "a number") }
        return number
    }

    func int(_ index: Int, _ column: String) throws -> Int64 {
        guard let number = try value(index, column).int else { throw mismatch(index, column, "an integer") }
        return number
    }

    /// An integer or NULL.
    func optionalInt(_ index: Int, _ column: String) throws -> Int64? {
        let value = try value(index, column)
        if value == .null { return nil }
        guard let number = value.int else { throw mismatch(index, column, "an integer or NULL") }
        return number
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
