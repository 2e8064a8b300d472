/// The offline proof that a migration reaches its declaration: each typed change applied to the
/// schema it starts from, as PostgreSQL applies its SQL (a dropped column takes its indexes and keys
/// with it; a renamed table or column is renamed where keys and indexes name it). The catalog of the
/// result must be the declared schema's (`MigrationPlanner.plan` checks it), so a change the
/// planner forgets, such as an extension a setting no longer needs, is caught before any database
/// meets the migration.
extension Schema {
    public func applying(_ changes: [SchemaChange]) -> Schema {
        changes.reduce(into: self) { $0.apply($1) }
    }

    mutating func apply(_ change: SchemaChange) {
        func replace<T>(_ list: inout [T], _ item: T, where same: (T) -> Bool) {
            if let index = list.firstIndex(where: same) { list[index] = item } else { list.append(item) }
        }
        func edit(_ name: String, _ body: (inout Table) -> Void) {
            guard let index = tables.firstIndex(where: { $0.name == name }) else { return }
            body(&tables[index])
        }
        func editColumn(_ table: String, _ column: String, _ body: (inout Column) -> Void) {
            edit(table) { table in
                guard let index = table.columns.firstIndex(where: { $0.name == column }) else { return }
                body(&table.columns[index])
            }
        }
        switch change {
        case .addExtension(let name): if !extensions.contains(name) { extensions.append(name) }
        case .dropExtension(let name): extensions.removeAll { $0 == name }
        case .createTextSearchConfiguration(let configuration): replace(&textSearchConfigurations, configuration) { $0.name == configuration.name }
        case .dropTextSearchConfiguration(let configuration): textSearchConfigurations.removeAll { $0.name == configuration.name }
        case .createFunction(let function): replace(&functions, function) { $0.name == function.name }
        case .dropFunction(let function): functions.removeAll { $0.name == function.name }
        case .createQueryFunction(let function, _): replace(&queryFunctions, function) { $0.name == function.name }
        case .dropQueryFunction(let function): queryFunctions.removeAll { $0.name == function.name }
        case .renameTable(let from, let to):
            tables = tables.map { table in
                Planner.renaming(table, tables: [from: to], columns: [:], to: table.name == from ? to : table.name)
            }
        case .createTable(let table): replace(&tables, table) { $0.name == table.name }
        case .dropTable(let name, _): tables.removeAll { $0.name == name }
        case .dropConstraint(let table, let name):
            edit(table) { table in
                let kept = SchemaCatalog.elements(of: table).filter { SchemaCatalog.constraint($0, of: table.name).name != name }
                table.setConstraints(kept)
            }
        case .addConstraint(let table, let element):
            edit(table) { $0.setConstraints(SchemaCatalog.elements(of: $0) + [element]) }
        case .renameConstraint(let table, let from, let to):
            // Derived names (keys) follow their columns and table by themselves; a check's is its own.
            edit(table) { table in
                if let index = table.checks.firstIndex(where: { $0.name == from }) { table.checks[index].name = to }
            }
        case .dropIndex(let table, let name): edit(table) { $0.indexes.removeAll { $0.name == name } }
        case .createIndex(let index, let table), .swapIndex(let index, let table): edit(table.name) { replace(&$0.indexes, index) { $0.name == index.name } }
        case .renameIndex(let table, let from, let to):
            edit(table) { table in
                if let index = table.indexes.firstIndex(where: { $0.name == from }) { table.indexes[index].name = to }
            }
        case .dropColumn(let table, let name, _, _): edit(table) { $0 = Planner.removing([name], from: $0) }
        case .renameColumn(let table, let from, let to):
            tables = tables.map { other in
                guard other.name == table else {
                    // Keys elsewhere that reference the renamed column follow it.
                    var copy = other
                    copy.foreignKeys = other.foreignKeys.map { key in
                        var renamed = key
                        if key.table == table { renamed.referencedColumns = key.referencedColumns.map { $0 == from ? to : $0 } }
                        return renamed
                    }
                    return copy
                }
                return Planner.renaming(other, tables: [:], columns: [from: to], to: other.name)
            }
        case .rebuildGeneratedColumn(let table, let column):
            edit(table) { table in
                table = Planner.removing([column.name], from: table)
                table.columns.append(column)
            }
        case .addColumn(let table, let column): edit(table) { $0.columns.append(column) }
        case .changeType(let table, let column, _, _, _): editColumn(table, column.name) { $0.type = column.type }
        case .setNotNull(let table, let column): editColumn(table, column) { $0.isNullable = false }
        case .dropNotNull(let table, let column): editColumn(table, column) { $0.isNullable = true }
        case .setDefault(let table, let column, let value): editColumn(table, column) { $0.defaultValue = value }
        case .dropDefault(let table, let column): editColumn(table, column) { $0.defaultValue = nil }
        }
    }
}

extension Table {
    /// The table with exactly `constraints` as its keys and checks.
    mutating func setConstraints(_ constraints: [TableConstraint]) {
        primaryKey = []
        uniques = []
        foreignKeys = []
        checks = []
        for constraint in constraints {
            switch constraint {
            case .primaryKey(let columns): primaryKey = columns
            case .unique(let columns): uniques.append(columns)
            case .foreignKey(let key): foreignKeys.append(key)
            case .check(let check): checks.append(check)
            }
        }
    }
}
