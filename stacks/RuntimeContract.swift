import CloudFormation
import SQLSchema
import SynthCore

/// The Swift file the runtime compiles against (`Sources/ChatRuntime/Generated/ChatContract.swift`):
/// the environment variable names the app stack sets, the backends, each stage's schema (the
/// function picks its stage's by `CHAT_STAGE`), the Data API actions the grant gives, and the API's
/// routes. One runtime build serves every stage, so stages share table and column names.
enum RuntimeContract {
    static let path = "Sources/ChatRuntime/Generated/ChatContract.swift"

    static func sources(migrations chains: [String: [Migration]]) throws -> [Artifact] {
        let stages = StageSettings.all.map { settings in
            SwiftContractRenderer.Stage(name: settings.name, schema: ChatSchema.schema(for: settings), migrations: chains[settings.name] ?? [],
                                        textSearchConfigurations: settings.searchLanguages.queryConfigurations,
                                        foldingFunction: settings.searchLanguages.foldingFunction,
                                        normalizer: SearchLanguages.ngrams.name, detector: SearchLanguages.detectorName,
                                        spellingQuery: settings.searchLanguages.spellingQuery.name)
        }
        // The runtime names tables and columns once, so every stage must have the same ones.
        func shape(_ schema: Schema) -> [String] { schema.tables.flatMap { table in table.columns.map { "\(table.name).\($0.name) \(SchemaRenderer.typeName($0.type))" } } }
        let shapes = stages.map { shape($0.schema) }
        guard shapes.allSatisfy({ $0 == shapes[0] }) else {
            let groups = Dictionary(grouping: stages.indices) { shapes[$0] }.values
                .map { $0.map { stages[$0].name }.joined(separator: ", ") }.sorted().joined(separator: " vs ")
            throw Diagnostics([Diagnostic("contract.stage-shapes", subject: "runtime contract",
                message: "stages have different tables, columns or column types (\(groups)); the runtime is built once for every stage, so stages may differ only in indexes and search settings")])
        }
        var input = SwiftContractRenderer.Input(
            typeName: "ChatContract", stages: stages,
            environment: [
                ("backendType", RuntimeEnvironment.backendType), ("clusterArn", RuntimeEnvironment.clusterArn),
                ("secretArn", RuntimeEnvironment.secretArn), ("applicationSecretArn", RuntimeEnvironment.applicationSecretArn),
                ("databaseName", RuntimeEnvironment.databaseName),
                ("host", RuntimeEnvironment.host), ("port", RuntimeEnvironment.port),
                ("functionRole", RuntimeEnvironment.functionRole), ("dataAPIEndpoint", RuntimeEnvironment.dataAPIEndpoint),
                ("largeMessageBucket", RuntimeEnvironment.largeMessageBucket), ("stage", RuntimeEnvironment.stage),
                ("testSecretPrefix", RuntimeEnvironment.testSecretPrefix),
            ],
            backends: [("dataAPI", DatabaseBackend.dataAPI.rawValue), ("postgres", DatabaseBackend.postgres.rawValue)],
            dataAPIActions: DatabaseAccessGrant.dataAPIActions, routes: ChatRoutes.all)
        input.valueSets = [("roles", ChatSchema.roles), ("visibilities", ChatSchema.visibilities)]
        input.apiDocument = ChatRoutes.openAPI
        return [Artifact(path: path, contents: SwiftContractRenderer.render(input))]
    }
}
