import CloudFormation

/// The application stack: the RAG chat Lambda running this repository's Swift runtime. On the Data
/// API backend it lives outside any VPC and holds only the Data API grant; on the postgres backend
/// it runs in the database's private subnets and reads the cluster secret.
public struct AppStack {
    public let stack: Stack

    public init(_ stage: StageSettings, database: DatabaseStack) {
        let artifactBucket = Parameter("ArtifactBucket", description: "S3 bucket holding the function's deployment package",
                                       allowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
        let artifactKey = Parameter("ArtifactKey", description: "S3 key of the function's zip (bootstrap built for arm64)",
                                    default: "chat-runtime/bootstrap.zip")
        let key = EncryptionKey("AppKey", description: "Encrypts the chat function's environment and logs",
                                alias: .sub("alias/${AWS::StackName}-app"), allowing: [.cloudWatchLogs])
        let cluster = database.cluster

        var environment: [Field] = [
            Field(RuntimeEnvironment.backendType, .string(stage.backend.rawValue)),
            Field(RuntimeEnvironment.clusterArn, cluster.arn),
            Field(RuntimeEnvironment.secretArn, cluster.secretArn),
            Field(RuntimeEnvironment.databaseName, .string(DatabaseStack.databaseName)),
        ]
        let placement: ServerlessFunction.Placement
        switch stage.backend {
        case .dataAPI:
            placement = .outsideVPC
        case .postgres:
            placement = .inVPC(database.network, databases: [cluster])
            environment.append(Field(RuntimeEnvironment.host, cluster.endpointAddress))
            environment.append(Field(RuntimeEnvironment.port, cluster.endpointPort))
        }
        var settings = ServerlessFunction.Settings(
            description: "RAG chat: history and bot search on Aurora (\(stage.backend.rawValue))",
            codeBucket: artifactBucket.ref, codeKey: artifactKey.ref,
            reservedConcurrency: stage.reservedConcurrency, logRetentionDays: stage.logRetentionDays)
        settings.environment = environment
        let function = ServerlessFunction("RagFunction", settings, placement: placement, key: key) { role in
            switch stage.backend {
            case .dataAPI: cluster.grantDataAPIAccess(to: role)
            case .postgres: cluster.grantSecretRead(to: role)
            }
        }
        stack = Stack("app", description: "RAG chat function (\(stage.name), \(stage.backend.rawValue))") {
            artifactBucket
            artifactKey
            key
            function
            Output("FunctionName", function.function.ref, description: "Name of the chat function")
        }
    }
}
