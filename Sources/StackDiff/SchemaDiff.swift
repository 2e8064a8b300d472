import SQLSchema

/// What changes between two schemas, object by object: extensions, tables, columns, constraints
/// and indexes, and what the change drops.
public struct SchemaChange: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Encodable { case `extension`, table, column, constraint, index }
    public var kind: Kind
    public var name: String
    public var change: Change
    public var detail: String?
    /// Dropping a table or column, or changing a column's type, loses or rewrites stored data.
    public var dataLoss: Bool
}

public enum SchemaDiff {
    /// The difference between two declared schemas (nil: none), by their catalog descriptions, so
    /// it sees everything the migrator checks: constraints and index methods included.
    public static func diff(old: Schema?, new: Schema?) -> [SchemaChange] {
        func keyed(_ schema: Schema?) -> [String: String] {
            var result: [String: String] = [:]
            for line in schema.map(SchemaCatalog.lines) ?? [] {
                let words = line.split(separator: " ", maxSplits: 2).map(String.init)
                guard words.count >= 2 else { continue }
                result[words[0] + " " + words[1]] = words.count > 2 ? words[2] : ""
            }
            return result
        }
        let before = keyed(old), after = keyed(new)
        var changes: [SchemaChange] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            guard let kind = SchemaChange.Kind(rawValue: parts[0]) else { continue }
            let name = parts[1]
            switch (before[key], after[key]) {
            case (nil, let shape?):
                changes.append(SchemaChange(kind: kind, name: name, change: .added, detail: shape.isEmpty ? nil : shape, dataLoss: false))
            case (let shape?, nil):
                let loses = kind == .table || kind == .column
                let detail = [shape.isEmpty ? nil : shape, loses ? "dropped with its \(kind == .table ? "rows" : "values")" : nil].compactMap { $0 }.joined(separator: ", ")
                changes.append(SchemaChange(kind: kind, name: name, change: .removed, detail: detail.isEmpty ? nil : detail, dataLoss: loses))
            case (let was?, let now?) where was != now:
                let retyped = kind == .column && columnType(was) != columnType(now)
                changes.append(SchemaChange(kind: kind, name: name, change: .modified, detail: "\(was) → \(now)", dataLoss: retyped))
            default: break
            }
        }
        return changes
    }

    /// `text[] not null default` → `text[]`.
    static func columnType(_ shape: String) -> String {
        var type = shape
        for suffix in [" generated", " default", " not null"] where type.hasSuffix(suffix) { type = String(type.dropLast(suffix.count)) }
        return type
    }

    /// For revisions from before `latest-schema.json` existed: tables, columns and indexes read from schema.sql text.
    struct Table: Equatable {
        var columns: [(name: String, type: String)]
        static func == (a: Table, b: Table) -> Bool { a.columns.map { $0.name + " " + $0.type } == b.columns.map { $0.name + " " + $0.type } }
    }

    static let typeEnd: Set<String> = ["NOT", "NULL", "DEFAULT", "GENERATED", "PRIMARY", "REFERENCES", "UNIQUE", "CHECK", "COLLATE"]

    static func parse(_ sql: String) -> (tables: [String: Table], indexes: [String: String]) {
        var tables: [String: Table] = [:]
        var indexes: [String: String] = [:]
        var current: String?
        for raw in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = trimmed(raw, " \t")
            if line.hasPrefix("CREATE TABLE") {
                let words = line.split(separator: " ").map(String.init).filter { !["CREATE", "TABLE", "IF", "NOT", "EXISTS", "("].contains($0) }
                current = words.first.map { trimmed(Substring($0), "\"(") }
                // The migrator's own history table is no part of the schema.
                if current == SchemaCatalog.versionTable || !line.hasSuffix("(") { current = nil }
                if let current { tables[current] = Table(columns: []) }
            } else if line.hasPrefix("CREATE"), line.contains("INDEX") {
                let words = line.split(separator: " ").map(String.init)
                if let on = words.firstIndex(of: "ON"), on > 0, on + 1 < words.count, words[on + 1] != SchemaCatalog.versionTable {
                    indexes[trimmed(Substring(words[on - 1]), "\"")] = line
                }
            } else if line.hasPrefix(")") {
                current = nil
            } else if let table = current, !line.isEmpty, !line.hasPrefix("CONSTRAINT"), !line.hasPrefix("--") {
                let words = trimmed(Substring(line), ",").split(separator: " ").map(String.init)
                guard let name = words.first else { continue }
                let type = words.dropFirst().prefix { !typeEnd.contains($0) }.joined(separator: " ")
                tables[table]?.columns.append((trimmed(Substring(name), "\""), type))
            }
        }
        return (tables, indexes)
    }

    /// `text` without the given characters at either end.
    static func trimmed(_ text: Substring, _ characters: String) -> String {
        var result = text
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return String(result)
    }

    public static func diffText(old: String, new: String) -> [SchemaChange] {
        let a = parse(old), b = parse(new)
        var changes: [SchemaChange] = []
        for name in Set(a.tables.keys).union(b.tables.keys).sorted() {
            switch (a.tables[name], b.tables[name]) {
            case (nil, _?): changes.append(SchemaChange(kind: .table, name: name, change: .added, detail: nil, dataLoss: false))
            case (_?, nil): changes.append(SchemaChange(kind: .table, name: name, change: .removed, detail: "dropped with its rows", dataLoss: true))
            case (let was?, let now?):
                let before = Dictionary(was.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
                let after = Dictionary(now.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
                for column in Set(before.keys).union(after.keys).sorted() {
                    let qualified = "\(name).\(column)"
                    switch (before[column], after[column]) {
                    case (nil, let type?): changes.append(SchemaChange(kind: .column, name: qualified, change: .added, detail: type, dataLoss: false))
                    case (let type?, nil): changes.append(SchemaChange(kind: .column, name: qualified, change: .removed, detail: "\(type), dropped with its values", dataLoss: true))
                    case (let x?, let y?) where x != y:
                        changes.append(SchemaChange(kind: .column, name: qualified, change: .modified, detail: "\(x) → \(y)", dataLoss: true))
                    default: break
                    }
                }
            default: break
            }
        }
        for name in Set(a.indexes.keys).union(b.indexes.keys).sorted() where a.indexes[name] != b.indexes[name] {
            let change: Change = a.indexes[name] == nil ? .added : b.indexes[name] == nil ? .removed : .modified
            changes.append(SchemaChange(kind: .index, name: name, change: change, detail: nil, dataLoss: false))
        }
        return changes
    }
}
