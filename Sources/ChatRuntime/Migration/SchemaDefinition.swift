import SQLSchema

/// What the migrator brings a database to: the schema's statements for an empty database, its
/// role statements, its catalog description and fingerprint, and the migrations that lead to it.
/// The runtime's own are its stages' (`StageContract`, from what synth generated); tests build others.
public struct SchemaDefinition: Sendable {
    public var statements: [String]
    public var roleStatements: [String]
    public var catalog: [String]
    public var migrations: [Migration]

    public var version: Int { migrations.count }
    public var fingerprint: String { SchemaCatalog.digest(catalog) }

    public init(statements: [String], roleStatements: [String], catalog: [String], migrations: [Migration]) {
        self.statements = statements
        self.roleStatements = roleStatements
        self.catalog = catalog
        self.migrations = migrations
    }

    /// The default stage's (`StageContract.default`): what a runtime not told its stage migrates to.
    public static var contract: SchemaDefinition { StageContract.default.schema }

    /// A stage's, as the contract carries it.
    init(_ stage: ChatContractStage) {
        self.init(statements: stage.statements, roleStatements: stage.roleStatements, catalog: stage.catalog, migrations: stage.migrations)
    }

    /// The definition of a declared schema and its migrations.
    public init(_ schema: Schema, migrations: [Migration]) {
        self.init(statements: SchemaRenderer.statements(schema), roleStatements: SchemaRenderer.roleStatements(schema),
                  catalog: SchemaCatalog.lines(schema), migrations: migrations)
    }

    func migration(_ version: Int) -> Migration? { version >= 1 && version <= migrations.count ? migrations[version - 1] : nil }
}
