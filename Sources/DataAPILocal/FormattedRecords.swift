import DataAPIWire
import JSONText

/// `formattedRecords`: the rows as one JSON array of objects keyed by column name.
enum FormattedRecords {
    static func json(columns: [String], records: [[Field]]) -> String {
        JSON.array(records.map { record in .object(zip(columns, record).map { ($0, value($1)) }) }).compact()
    }

    /// JSON objects are keyed by column name, so two columns of one name cannot both be written.
    static func firstDuplicate(in names: [String]) -> String? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0).inserted }
    }

    static func value(_ field: Field) -> JSON {
        switch field {
        case .null: .null
        case .bool(let value): .bool(value)
        case .long(let value): .number(String(value))
        case .double(let value): .double(value)
        case .string(let text): .string(text)
        case .blob(let bytes): .string(Base64.encode(bytes))
        case .array(let array): arrayValue(array)
        }
    }

    static func arrayValue(_ array: ArrayValue) -> JSON {
        switch array {
        case .bools(let values): .array(values.map { $0.map(JSON.bool) ?? .null })
        case .longs(let values): .array(values.map { $0.map { .number(String($0)) } ?? .null })
        case .doubles(let values): .array(values.map { $0.map { value(.double($0)) } ?? .null })
        case .strings(let values): .array(values.map { $0.map(JSON.string) ?? .null })
        case .arrays(let values): .array(values.map(arrayValue))
        }
    }
}
