import SQLSchema

/// What a reviewer sees of one schema object a change touches: extensions, functions, text search
/// configurations, tables, columns, constraints and indexes, and whether the change loses data.
public struct SchemaObjectChange: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Encodable {
        case `extension`, function, table, column, constraint, index
        case textSearchConfiguration = "text search configuration"
    }
    public var kind: Kind
    public var name: String
    public var change: Change
    public var detail: String?
    /// Dropping a table or column, or changing a column's type, loses or rewrites stored data.
    public var dataLoss: Bool
    /// A rename: the code still running names the old one (MIG-06).
    public var breaksRunningCode = false
}

public enum SchemaDiff {
    /// The difference between two declared schemas (nil: none), read from the typed changes the
    /// migration planner decides (`SQLSchema.SchemaChange`), so a rename is a rename and a loss
    /// carries the declaration's reason. Where there is no plan (a side is missing, or synth refuses
    /// the declaration), the two catalog descriptions are compared instead.
    public static func diff(old: Schema?, new: Schema?) -> [SchemaObjectChange] {
        diff(old: old, new: new, plan: new.map { MigrationPlanner.plan(from: old, to: $0) })
    }

    /// The same, from `plan` (old to new) when the caller has it already.
    public static func diff(old: Schema?, new: Schema?, plan: MigrationPlanner.Plan?) -> [SchemaObjectChange] {
        if let plan, plan.problems.isEmpty { return objects(plan.changes, old: old) }
        return catalogDiff(old: old, new: new)
    }

    /// The objects `changes` touch, one entry each, in catalog order; an object dropped and made
    /// again (an index or constraint whose definition changed) is one modification.
    static func objects(_ changes: [SchemaChange], old: Schema?) -> [SchemaObjectChange] {
        var entries: [String: SchemaObjectChange] = [:]
        func note(_ kind: SchemaObjectChange.Kind, _ name: String, _ change: Change, _ detail: String? = nil, dataLoss: Bool = false, renamed: Bool = false) {
            let key = "\(kind.rawValue) \(name)"
            guard var entry = entries[key] else {
                entries[key] = SchemaObjectChange(kind: kind, name: name, change: change, detail: detail, dataLoss: dataLoss, breaksRunningCode: renamed)
                return
            }
            if entry.change != change { entry.change = .modified }
            entry.detail = [entry.detail, detail].compactMap { $0 }.joined(separator: "; ")
            entry.dataLoss = entry.dataLoss || dataLoss
            entry.breaksRunningCode = entry.breaksRunningCode || renamed
            entries[key] = entry
        }
        func lost(_ acknowledgement: SchemaChange.Acknowledgement) -> String { "data lost: \(acknowledgement)" }
        let oldFunctions = Set((old?.functions.map(\.name) ?? []) + (old?.queryFunctions.map(\.name) ?? []))
        for change in changes {
            switch change {
            case .addExtension(let name): note(.extension, name, .added)
            case .dropExtension(let name): note(.extension, name, .removed)
            case .createTextSearchConfiguration(let configuration): note(.textSearchConfiguration, configuration.name, .added)
            case .dropTextSearchConfiguration(let configuration): note(.textSearchConfiguration, configuration.name, .removed)
            case .createFunction(let function):
                note(.function, function.name, oldFunctions.contains(function.name) ? .modified : .added)
            case .createQueryFunction(let function, let replacing): note(.function, function.name, replacing == nil ? .added : .modified)
            case .dropFunction(let function): note(.function, function.name, .removed)
            case .dropQueryFunction(let function): note(.function, function.name, .removed)
            case .renameTable(let from, let to): note(.table, to, .modified, "renamed from \(from) (rows kept)", renamed: true)
            case .createTable(let table): note(.table, table.name, .added)
            case .dropTable(let name, let acknowledgement): note(.table, name, .removed, lost(acknowledgement), dataLoss: true)
            case .dropConstraint(let table, let name): note(.constraint, "\(table).\(name)", .removed)
            case .addConstraint(let table, let element):
                let constraint = SchemaCatalog.constraint(element, of: table)
                note(.constraint, "\(table).\(constraint.name)", .added, constraint.shape)
            case .renameConstraint(let table, let from, let to): note(.constraint, "\(table).\(to)", .modified, "renamed from \(from)")
            case .dropIndex(let table, let name): note(.index, "\(table).\(name)", .removed)
            case .createIndex(let index, let table): note(.index, "\(table.name).\(index.name)", .added, SchemaCatalog.shape(of: index, in: table))
            case .swapIndex(let index, let table):
                note(.index, "\(table.name).\(index.name)", .modified, "\(SchemaCatalog.shape(of: index, in: table)), built beside the old one and swapped in")
            case .renameIndex(let table, let from, let to): note(.index, "\(table).\(to)", .modified, "renamed from \(from)")
            case .dropColumn(let table, let name, let acknowledgement, _): note(.column, "\(table).\(name)", .removed, lost(acknowledgement), dataLoss: true)
            case .renameColumn(let table, let from, let to):
                note(.column, "\(table).\(to)", .modified, "renamed from \(from) (values kept)", renamed: true)
            case .rebuildGeneratedColumn(let table, let column): note(.column, "\(table).\(column.name)", .modified, "generated anew (its values are derived)")
            case .addColumn(let table, let column): note(.column, "\(table).\(column.name)", .added, SchemaCatalog.catalogTypeName(column.type))
            case .changeType(let table, let column, let from, _, let acknowledgement):
                let types = "\(SchemaCatalog.catalogTypeName(from)) → \(SchemaCatalog.catalogTypeName(column.type))"
                note(.column, "\(table).\(column.name)", .modified, acknowledgement.map { "\(types), \(lost($0))" } ?? types, dataLoss: acknowledgement != nil)
            case .setNotNull(let table, let column): note(.column, "\(table).\(column)", .modified, "not null")
            case .dropNotNull(let table, let column): note(.column, "\(table).\(column)", .modified, "nullable")
            case .setDefault(let table, let column, let value): note(.column, "\(table).\(column)", .modified, "default \(value.expression)")
            case .dropDefault(let table, let column): note(.column, "\(table).\(column)", .modified, "no default")
            }
        }
        return entries.keys.sorted().compactMap { entries[$0] }
    }

    /// The difference between two catalog descriptions, object by object: what a refused
    /// declaration or a missing side would change.
    static func catalogDiff(old: Schema?, new: Schema?) -> [SchemaObjectChange] {
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
        var changes: [SchemaObjectChange] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            guard let kind = SchemaObjectChange.Kind(rawValue: parts[0]) else { continue }
            let name = parts[1]
            switch (before[key], after[key]) {
            case (nil, let shape?):
                changes.append(SchemaObjectChange(kind: kind, name: name, change: .added, detail: shape.isEmpty ? nil : shape, dataLoss: false))
            case (let shape?, nil):
                let loses = kind == .table || kind == .column
                let detail = [shape.isEmpty ? nil : shape, loses ? "dropped with its \(kind == .table ? "rows" : "values")" : nil].compactMap { $0 }.joined(separator: ", ")
                changes.append(SchemaObjectChange(kind: kind, name: name, change: .removed, detail: detail.isEmpty ? nil : detail, dataLoss: loses))
            case (let was?, let now?) where was != now:
                let retyped = kind == .column && columnType(was) != columnType(now)
                changes.append(SchemaObjectChange(kind: kind, name: name, change: .modified, detail: "\(was) → \(now)", dataLoss: retyped))
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

    public static func diffText(old: String, new: String) -> [SchemaObjectChange] {
        let a = parse(old), b = parse(new)
        var changes: [SchemaObjectChange] = []
        for name in Set(a.tables.keys).union(b.tables.keys).sorted() {
            switch (a.tables[name], b.tables[name]) {
            case (nil, _?): changes.append(SchemaObjectChange(kind: .table, name: name, change: .added, detail: nil, dataLoss: false))
            case (_?, nil): changes.append(SchemaObjectChange(kind: .table, name: name, change: .removed, detail: "dropped with its rows", dataLoss: true))
            case (let was?, let now?):
                let before = Dictionary(was.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
                let after = Dictionary(now.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
                for column in Set(before.keys).union(after.keys).sorted() {
                    let qualified = "\(name).\(column)"
                    switch (before[column], after[column]) {
                    case (nil, let type?): changes.append(SchemaObjectChange(kind: .column, name: qualified, change: .added, detail: type, dataLoss: false))
                    case (let type?, nil): changes.append(SchemaObjectChange(kind: .column, name: qualified, change: .removed, detail: "\(type), dropped with its values", dataLoss: true))
                    case (let x?, let y?) where x != y:
                        changes.append(SchemaObjectChange(kind: .column, name: qualified, change: .modified, detail: "\(x) → \(y)", dataLoss: true))
                    default: break
                    }
                }
            default: break
            }
        }
        for name in Set(a.indexes.keys).union(b.indexes.keys).sorted() where a.indexes[name] != b.indexes[name] {
            let change: Change = a.indexes[name] == nil ? .added : b.indexes[name] == nil ? .removed : .modified
            changes.append(SchemaObjectChange(kind: .index, name: name, change: change, detail: nil, dataLoss: false))
        }
        return changes
    }
}
