import CloudFormation
import SQLSchema
import SynthCore

/// The Swift file the runtime compiles against (`Sources/ChatRuntime/Generated/ChatContract.swift`):
/// the environment variable names the app stack sets, the backends, the schema every stage applies,
/// the Data API actions the grant gives, and the API's routes. One runtime build serves every
/// stage, so every stage must have the same schema.
enum RuntimeContract {
    static let path = "Sources/ChatRuntime/Generated/ChatContract.swift"

    static func sources() throws -> [Artifact] {
        let schemas = StageSettings.all.map { (stage: $0.name, schema: ChatSchema.schema(embeddingDimension: $0.embeddingDimension)) }
        let fingerprints = Dictionary(grouping: schemas) { SchemaRenderer.fingerprint($0.schema) }
        guard fingerprints.count == 1, let schema = schemas.first?.schema else {
            let groups = fingerprints.values.map { $0.map(\.stage).joined(separator: ", ") }.sorted().joined(separator: " vs ")
            throw SynthErrors([SynthError(subject: "runtime contract",
                message: "stages have different database schemas (\(groups)); the runtime is built once for every stage, so give every stage the same embeddingDimension")])
        }
        let input = SwiftContractRenderer.Input(
            typeName: "ChatContract", schema: schema,
            environment: [
                ("backendType", RuntimeEnvironment.backendType), ("clusterArn", RuntimeEnvironment.clusterArn),
                ("secretArn", RuntimeEnvironment.secretArn), ("applicationSecretArn", RuntimeEnvironment.applicationSecretArn),
                ("databaseName", RuntimeEnvironment.databaseName),
                ("host", RuntimeEnvironment.host), ("port", RuntimeEnvironment.port),
                ("functionRole", RuntimeEnvironment.functionRole), ("dataAPIEndpoint", RuntimeEnvironment.dataAPIEndpoint),
            ],
            backends: [("dataAPI", DatabaseBackend.dataAPI.rawValue), ("postgres", DatabaseBackend.postgres.rawValue)],
            dataAPIActions: DatabaseAccessGrant.dataAPIActions, routes: ChatRoutes.all)
        return [Artifact(path: path, contents: SwiftContractRenderer.render(input))]
    }
}
