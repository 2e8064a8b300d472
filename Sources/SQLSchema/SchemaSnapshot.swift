import JSONText

/// A schema as `latest-schema.json` holds it: the members its `Encodable` conformance writes, built
/// as a `JSON` tree directly. Encoding a schema through `Encodable` cost 21 M instructions of
/// `synth --all`, most of it the Swift runtime looking up the coding keys' conformances; this costs
/// a small fraction. `SnapshotEncodingTests` checks it against JSONEncoder (the schemas of every
/// stage, and random schemas with every case of every type), and decoding still goes through
/// `Decodable`, so what this writes must read back.
extension Schema {
    public var snapshot: JSON {
        var members: [(String, JSON)] = [("extensions", .strings(extensions)), ("tables", .array(tables.map(\.snapshot)))]
        if !functions.isEmpty { members.append(("functions", .array(functions.map(\.snapshot)))) }
        if !textSearchConfigurations.isEmpty { members.append(("textSearchConfigurations", .array(textSearchConfigurations.map(\.snapshot)))) }
        if !queryFunctions.isEmpty { members.append(("queryFunctions", .array(queryFunctions.map(\.snapshot)))) }
        if let applicationRole { members.append(("applicationRole", .string(applicationRole))) }
        if !droppedTables.isEmpty { members.append(("droppedTables", .array(droppedTables.map(\.snapshot)))) }
        return .object(members)
    }
}

extension Table {
    var snapshot: JSON {
        var members: [(String, JSON)] = [
            ("name", .string(name)), ("columns", .array(columns.map(\.snapshot))), ("primaryKey", .strings(primaryKey)),
            ("uniques", .array(uniques.map(JSON.strings))), ("foreignKeys", .array(foreignKeys.map(\.snapshot))),
            ("checks", .array(checks.map { .object([("name", .string($0.name)), ("expression", .string($0.expression))]) })),
            ("indexes", .array(indexes.map(\.snapshot))),
        ]
        if let previousName { members.append(("previousName", .string(previousName))) }
        if !droppedColumns.isEmpty { members.append(("droppedColumns", .array(droppedColumns.map(\.snapshot)))) }
        return .object(members)
    }
}

extension Dropped {
    var snapshot: JSON { .object([("name", .string(name)), ("reason", .string(reason)), ("location", .string(location.description))]) }
}

extension Column {
    var snapshot: JSON {
        var members: [(String, JSON)] = [("name", .string(name)), ("type", type.snapshot), ("isNullable", .bool(isNullable)),
                                         ("isPrimaryKey", .bool(isPrimaryKey))]
        if let defaultValue { members.append(("defaultValue", defaultValue.snapshot)) }
        if let reference {
            members.append(("reference", .object([("table", .string(reference.table)), ("column", .string(reference.column)),
                                                  ("onDelete", .string(reference.onDelete.rawValue))])))
        }
        if let previousName { members.append(("previousName", .string(previousName))) }
        if let typeChange {
            var change: [(String, JSON)] = [("using", .string(typeChange.using))]
            if let reason = typeChange.dataLossReason { change.append(("dataLossReason", .string(reason))) }
            members.append(("typeChange", .object(change)))
        }
        return .object(members)
    }
}

/// Swift's synthesized coding of an enum: `{"case": {labelled and positional (`_0`) values}}`.
private func enumCase(_ name: String, _ values: [(String, JSON)] = []) -> JSON { .object([(name, .object(values))]) }

extension ColumnType {
    var snapshot: JSON {
        switch self {
        case .uuid: enumCase("uuid")
        case .text: enumCase("text")
        case .bigint: enumCase("bigint")
        case .integer: enumCase("integer")
        case .boolean: enumCase("boolean")
        case .jsonb: enumCase("jsonb")
        case .timestamptz: enumCase("timestamptz")
        case .numeric: enumCase("numeric")
        case .textArray: enumCase("textArray")
        case .vector(let dimension): enumCase("vector", [("dimension", .integer(dimension))])
        case .halfvec(let dimension): enumCase("halfvec", [("dimension", .integer(dimension))])
        case .generatedTSVector(let config, let normalizer, let sources):
            enumCase("generatedTSVector", [("config", .string(config))] + Self.normalized(normalizer, sources))
        case .generatedTSVectorPerRow(let detector, let normalizer, let sources):
            enumCase("generatedTSVectorPerRow", [("detector", .string(detector))] + Self.normalized(normalizer, sources))
        }
    }

    private static func normalized(_ normalizer: String?, _ sources: [WeightedSource]) -> [(String, JSON)] {
        let sources = ("sources", JSON.array(sources.map { .object([("column", .string($0.column)), ("weight", .string(String($0.weight)))]) }))
        guard let normalizer else { return [sources] }
        return [("normalizer", .string(normalizer)), sources]
    }
}

extension DefaultValue {
    var snapshot: JSON {
        switch self {
        case .now: enumCase("now")
        case .randomUUID: enumCase("randomUUID")
        case .integer(let value): enumCase("integer", [("_0", .integer(value))])
        case .boolean(let value): enumCase("boolean", [("_0", .bool(value))])
        case .emptyText: enumCase("emptyText")
        case .emptyJSONObject: enumCase("emptyJSONObject")
        case .sql(let text): enumCase("sql", [("_0", .string(text))])
        }
    }
}

extension ForeignKey {
    var snapshot: JSON {
        .object([("columns", .strings(columns)), ("table", .string(table)), ("referencedColumns", .strings(referencedColumns)),
                 ("onDelete", .string(onDelete.rawValue))])
    }
}

extension Index {
    var snapshot: JSON {
        var members: [(String, JSON)] = [("name", .string(name)), ("method", method.snapshot)]
        if let predicate { members.append(("predicate", .string(predicate))) }
        return .object(members)
    }
}

extension Index.Method {
    var snapshot: JSON {
        switch self {
        case .btree(let columns, let unique):
            enumCase("btree", [("_0", .array(columns.map { .object([("name", .string($0.name)), ("descending", .bool($0.descending))]) })),
                               ("unique", .bool(unique))])
        case .fullText(let column): enumCase("fullText", [("_0", .string(column))])
        case .trigramGIN(let column): enumCase("trigramGIN", [("_0", .string(column))])
        case .trigramGiST(let column): enumCase("trigramGiST", [("_0", .string(column))])
        case .foldedTrigramGiST(let column, let function): enumCase("foldedTrigramGiST", [("_0", .string(column)), ("function", function.snapshot)])
        case .arrayGIN(let column): enumCase("arrayGIN", [("_0", .string(column))])
        case .hnsw(let column, let distance, let m, let efConstruction):
            enumCase("hnsw", [("_0", .string(column)), ("_1", .string(distance.rawValue)), ("m", .integer(m)), ("efConstruction", .integer(efConstruction))])
        }
    }
}

extension ImmutableFunction {
    var snapshot: JSON {
        .object([("name", .string(name)), ("argument", .string(argument)), ("returns", .string(returns)), ("body", .string(body))])
    }
}

extension TextSearchConfiguration {
    var snapshot: JSON {
        var members: [(String, JSON)] = [("name", .string(name)), ("copying", .string(copying)), ("foldsAccents", .bool(foldsAccents))]
        if let dictionary { members.append(("dictionary", .string(dictionary))) }
        return .object(members)
    }
}

extension QueryFunction {
    var snapshot: JSON {
        .object([("name", .string(name)),
                 ("arguments", .array(arguments.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })),
                 ("returns", .string(returns)),
                 ("settings", .array(settings.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })),
                 ("body", .string(body))])
    }
}

private extension JSON {
    static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }
    static func integer(_ value: Int) -> JSON { .number(String(value)) }
}
