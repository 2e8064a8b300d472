import DataAPIWire
import JSONText

/// Responses that can carry `doubleValue`s are written through JSONText rather than JSONEncoder:
/// JSONEncoder writes 1024.0 as `1024`, and botocore then hands Python an `int`. The service
/// always writes a double with a fraction or an exponent, and so does this.
protocol WireJSONRepresentable {
    var wireJSON: JSON { get }
}

extension ExecuteStatementResponse: WireJSONRepresentable {
    var wireJSON: JSON {
        var entries: [(String, JSON)] = []
        if let records { entries.append(("records", .array(records.map { .array($0.map(\.wireJSON)) }))) }
        if let columnMetadata { entries.append(("columnMetadata", .array(columnMetadata.map(\.wireJSON)))) }
        if let numberOfRecordsUpdated { entries.append(("numberOfRecordsUpdated", .number(String(numberOfRecordsUpdated)))) }
        if let generatedFields { entries.append(("generatedFields", .array(generatedFields.map(\.wireJSON)))) }
        if let formattedRecords { entries.append(("formattedRecords", .string(formattedRecords))) }
        return .object(entries)
    }
}

extension BatchExecuteStatementResponse: WireJSONRepresentable {
    var wireJSON: JSON {
        guard let updateResults else { return .object([]) }
        return .object([("updateResults", .array(updateResults.map { result in
            .object(result.generatedFields.map { [("generatedFields", .array($0.map(\.wireJSON)))] } ?? [])
        }))])
    }
}

extension Field {
    var wireJSON: JSON {
        switch self {
        case .null: .object([("isNull", .bool(true))])
        case .bool(let value): .object([("booleanValue", .bool(value))])
        case .long(let value): .object([("longValue", .number(String(value)))])
        case .double(let value): .object([("doubleValue", JSON.double(value))])
        case .string(let value): .object([("stringValue", .string(value))])
        case .blob(let bytes): .object([("blobValue", .string(Base64.encode(bytes)))])
        case .array(let value): .object([("arrayValue", value.wireJSON)])
        }
    }
}

extension ArrayValue {
    var wireJSON: JSON {
        switch self {
        case .bools(let values): .object([("booleanValues", .array(values.map { $0.map(JSON.bool) ?? .null }))])
        case .longs(let values): .object([("longValues", .array(values.map { $0.map { .number(String($0)) } ?? .null }))])
        case .doubles(let values): .object([("doubleValues", .array(values.map { $0.map(JSON.double) ?? .null }))])
        case .strings(let values): .object([("stringValues", .array(values.map { $0.map(JSON.string) ?? .null }))])
        case .arrays(let values): .object([("arrayValues", .array(values.map(\.wireJSON)))])
        }
    }
}

extension ColumnMetadata {
    var wireJSON: JSON {
        let text: [(String, String?)] = [("name", name), ("typeName", typeName), ("label", label), ("schemaName", schemaName), ("tableName", tableName)]
        let flags: [(String, Bool?)] = [("isAutoIncrement", isAutoIncrement), ("isSigned", isSigned), ("isCurrency", isCurrency),
                                        ("isCaseSensitive", isCaseSensitive)]
        let numbers: [(String, Int?)] = [("type", type), ("nullable", nullable), ("precision", precision), ("scale", scale),
                                         ("arrayBaseColumnType", arrayBaseColumnType)]
        return .object(text.compactMap { key, value in value.map { (key, .string($0)) } }
            + flags.compactMap { key, value in value.map { (key, .bool($0)) } }
            + numbers.compactMap { key, value in value.map { (key, .number(String($0))) } })
    }
}

extension JSON {
    /// A double as the service writes it: always with a fraction or an exponent (`1024.0`, `1e+20`);
    /// NaN and the infinities, which JSON cannot hold, as null.
    static func double(_ value: Double) -> JSON {
        value.isFinite ? .number("\(value)") : .null
    }
}
