import CloudFormation
import SQLSchema
import SynthCore

/// The Swift file the runtime compiles against (`Sources/ChatRuntime/Generated/ChatContract.swift`):
/// the environment variable names the app stack sets, the backends, the schema every stage applies,
/// the Data API actions the grant gives, and the API's routes. One runtime build serves every
/// stage, so every stage must have the same schema.
enum RuntimeContract {
    static let path = "Sources/ChatRuntime/Generated/ChatContract.swift"

    static func sources(migrations chains: [String: [Migration]]) throws -> [Artifact] {
        let schemas = StageSettings.all.map { (stage: $0.name, schema: ChatSchema.schema(embeddingDimension: $0.embeddingDimension)) }
        let fingerprints = Dictionary(grouping: schemas) { SchemaRenderer.fingerprint($0.schema) }
        guard fingerprints.count == 1, let schema = schemas.first?.schema else {
            let groups = fingerprints.values.map { $0.map(\.stage).joined(separator: ", ") }.sorted().joined(separator: " vs ")
            throw SynthErrors([SynthError(subject: "runtime contract",
                message: "stages have different database schemas (\(groups)); the runtime is built once for every stage, so give every stage the same embeddingDimension")])
        }
        let distinct = Dictionary(grouping: chains) { $0.value.map { "\($0.fileName) \($0.checksum)" } }
        guard distinct.count == 1, let migrations = distinct.values.first?.first?.value else {
            let groups = distinct.values.map { $0.map(\.key).sorted().joined(separator: ", ") }.sorted().joined(separator: " vs ")
            throw SynthErrors([SynthError(subject: "runtime contract",
                message: "stages have different migrations (\(groups)); the runtime is built once for every stage, so every stage's out/<stage>/migrations/ must hold the same files")])
        }
        let input = SwiftContractRenderer.Input(
            typeName: "ChatContract", schema: schema, migrations: migrations,
            environment: [
                ("backendType", RuntimeEnvironment.backendType), ("clusterArn", RuntimeEnvironment.clusterArn),
                ("secretArn", RuntimeEnvironment.secretArn), ("applicationSecretArn", RuntimeEnvironment.applicationSecretArn),
                ("databaseName", RuntimeEnvironment.databaseName),
                ("host", RuntimeEnvironment.host), ("port", RuntimeEnvironment.port),
                ("functionRole", RuntimeEnvironment.functionRole), ("dataAPIEndpoint", RuntimeEnvironment.dataAPIEndpoint),
                ("largeMessageBucket", RuntimeEnvironment.largeMessageBucket),
            ],
            backends: [("dataAPI", DatabaseBackend.dataAPI.rawValue), ("postgres", DatabaseBackend.postgres.rawValue)],
            dataAPIActions: DatabaseAccessGrant.dataAPIActions, routes: ChatRoutes.all)
        return [Artifact(path: path, contents: SwiftContractRenderer.render(input))]
    }
}
