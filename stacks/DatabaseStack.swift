import CloudFormation

/// The database stack: a private network in two zones and the Aurora Serverless v2 cluster with
/// the Data API, its key, and two secrets: the master user's (the schema migrator's) and the
/// application role's (the chat function's).
public struct DatabaseStack {
    public let network: PrivateNetwork
    public let key: EncryptionKey
    public let cluster: AuroraServerlessCluster
    public let stack: Stack

    public static let databaseName = "chat"

    public init(_ stage: StageSettings) {
        // Functions in the VPC (the postgres backend) include the schema migrator, which answers
        // CloudFormation through S3, and the stream sync, which reads Bedrock Chat's large message maps.
        network = PrivateNetwork("Network", cidr: stage.networkCidr, zones: 2,
                                 s3Access: stage.backend == .postgres ? [.customResourceResponses, .objectReadsInThisAccount] : [])
        key = EncryptionKey("DatabaseKey", description: "Encrypts the chat database, its secret and its insights",
                            alias: .sub("alias/${AWS::StackName}-database"), allowing: stage.declaresPostgresLogGroup ? [.cloudWatchLogs] : [])
        var settings = AuroraServerlessCluster.Settings(
            engineVersion: stage.engineVersion, capacity: stage.capacity, databaseName: Self.databaseName,
            deletionProtection: stage.deletionProtection, backupRetentionDays: stage.backupRetentionDays)
        settings.readers = stage.readers
        settings.applicationUsername = ChatSchema.applicationRole
        settings.insights = stage.databaseInsights
        if stage.declaresPostgresLogGroup { settings.postgresLogRetentionDays = stage.logRetentionDays }
        cluster = AuroraServerlessCluster("ChatDB", settings, network: network, key: key)
        let (network, key, cluster) = (network, key, cluster)
        stack = Stack("database", description: "Chat storage: Aurora Serverless v2 PostgreSQL with the Data API (\(stage.name))") {
            network
            key
            cluster
        }
    }
}
