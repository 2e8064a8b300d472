import CloudFormation
import SQLSchema

/// The application stack: the chat function behind an authenticated HTTP API, the schema migrator
/// behind `Custom::ChatSchema`, and the function that applies Bedrock Chat's stream records
/// (`BedrockChatSources`). All run this repository's one artifact (`bootstrap`);
/// `CHAT_FUNCTION_ROLE` says which part. On the Data API backend they live outside any VPC and hold
/// only the Data API grant; on the postgres backend they run in the database's private subnets and
/// read a cluster secret. The API function signs in as the application role and can read only that
/// role's secret; only the migrator reads the master secret (and the application secret, to set the
/// role's password). The rotator, Secrets Manager's rotation function for both secrets, works through
/// the Data API on every stage, so it runs outside any VPC (`SecretRotation`).
public struct AppStack {
    public let stack: Stack

    public init(_ stage: StageSettings, database: DatabaseStack) {
        let artifactBucket = Parameter("ArtifactBucket", description: "S3 bucket holding the function's deployment package",
                                       allowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
        let artifactKey = Parameter("ArtifactKey",
                                    description: "S3 key of the function's zip (bootstrap for \(stage.architecture.rawValue)); scripts/deploy.sh uploads chat-runtime/<sha256>.zip",
                                    allowedPattern: "^[A-Za-z0-9!_.*'()/-]+\\.zip$")
        let issuer = Parameter("JwtIssuer", description: "Issuer of the JWTs the API accepts (a Cognito user pool's issuer URL)",
                               default: .string(stage.authentication.issuer), allowedPattern: "^https://[^\\s]+$")
        let audience = Parameter("JwtAudience", type: "CommaDelimitedList",
                                 description: "Audiences (Cognito app client ids) the API accepts, comma-separated",
                                 default: .string(stage.authentication.audience.joined(separator: ",")))
        let key = EncryptionKey("AppKey", description: "Encrypts the chat functions' environment, logs and alarm notifications",
                                alias: .sub("alias/${AWS::StackName}-app"), allowing: [.cloudWatchLogs, .cloudWatchAlarms])
        let cluster = database.cluster

        let bedrockChat = BedrockChatSources()

        func environment(_ role: String, signingInAs user: AuroraServerlessCluster.User, backend: DatabaseBackend? = nil) -> [Field] {
            let backend = backend ?? stage.backend
            var variables: [Field] = [
                Field(RuntimeEnvironment.functionRole, .string(role)),
                Field(RuntimeEnvironment.stage, .string(stage.name)),
                Field(RuntimeEnvironment.backendType, .string(backend.rawValue)),
                Field(RuntimeEnvironment.clusterArn, cluster.arn.value),
                Field(RuntimeEnvironment.secretArn, cluster.secret(of: user).ref.value),
                Field(RuntimeEnvironment.databaseName, .string(DatabaseStack.databaseName)),
            ]
            if user == .master { variables.append(Field(RuntimeEnvironment.applicationSecretArn, cluster.secret(of: .application).ref.value)) }
            if backend == .postgres {
                variables.append(Field(RuntimeEnvironment.host, cluster.endpointAddress.value))
                variables.append(Field(RuntimeEnvironment.port, cluster.endpointPort.value))
            }
            return variables
        }
        // On the postgres backend the functions run in the VPC and read their secrets through one
        // Secrets Manager endpoint there. It keeps the logical ID it had when it served RagFunction
        // alone: under a new one CloudFormation would create a second endpoint with private DNS before
        // deleting the first, which the VPC refuses (synth diff reports it as a deploy blocker). The
        // Data API stages need none: nothing of theirs runs in the VPC, the rotation included.
        let secrets = stage.backend == .postgres ? SecretsManagerEndpoint("RagFunctionSecretsManagerEndpoint", network: database.network) : nil
        let placement: ServerlessFunction.Placement = secrets.map { .inVPC(database.network, databases: [cluster], secrets: $0) } ?? .outsideVPC
        func grant(_ role: Role, as user: AuroraServerlessCluster.User) -> DatabaseAccessGrant {
            let others: [AuroraServerlessCluster.User] = user == .master ? [.application] : []
            return switch stage.backend {
            case .dataAPI: cluster.grantDataAPIAccess(to: role, as: user, alsoReading: others)
            case .postgres: cluster.grantSecretRead(to: role, as: user, alsoReading: others)
            }
        }

        // Both functions run the one artifact, each in its role.
        func settings(_ description: String, role: String, signingInAs user: AuroraServerlessCluster.User,
                      reservedConcurrency: Int) -> ServerlessFunction.Settings {
            var settings = ServerlessFunction.Settings(description: description,
                                                       codeBucket: artifactBucket.ref, codeKey: artifactKey.ref,
                                                       reservedConcurrency: reservedConcurrency, logRetentionDays: stage.logRetentionDays)
            settings.architecture = stage.architecture
            settings.environment = environment(role, signingInAs: user)
            return settings
        }

        // The migrator: invoked by CloudFormation only, one at a time, with time for index builds.
        var migratorSettings = settings("Chat schema migrator (Custom::ChatSchema, \(stage.backend.rawValue))", role: "migrator",
                                        signingInAs: .master, reservedConcurrency: 1)
        // Lambda's longest: an index build on a big table may take minutes (the migrator stops following
        // one after 12, so CloudFormation hears back before the function is stopped).
        migratorSettings.timeoutSeconds = 900
        migratorSettings.invokedBy = .customResources
        let migrator = ServerlessFunction("SchemaMigrator", migratorSettings, placement: placement, key: key) { grant($0, as: .master) }
        // A schema change changes these, which CloudFormation sends as an Update: the fingerprint (what
        // the catalog shows, which the migrator checks) and the definition (every statement, so a change
        // the catalog does not show, such as a query function's settings, also runs the migrator).
        let declared = ChatSchema.schema(for: stage)
        let schema = CustomResource("ChatSchema", type: "Custom::ChatSchema", serviceToken: migrator.function.arn, properties: [
            Field("Fingerprint", .string(SchemaRenderer.fingerprint(declared))),
            Field("Definition", .string(SchemaRenderer.definitionDigest(declared))),
        ])

        // Its start-up checks the schema fingerprint, so it is (re)deployed only once the schema is in place.
        let function = ServerlessFunction("RagFunction", settings("RAG chat: history and bot search on Aurora (\(stage.backend.rawValue))", role: "api",
                                                                  signingInAs: .application, reservedConcurrency: stage.reservedConcurrency),
                                          placement: placement, key: key) { grant($0, as: .application) }.dependsOn(schema)

        // The first rotation runs as soon as its schedule exists: after the schema has created the role.
        // The rotator signs in as the master user through the Data API, whatever the stage's backend.
        var rotatorSettings = settings("Rotates the cluster's secrets through the Data API (Secrets Manager rotation function)", role: "rotator",
                                       signingInAs: .master, reservedConcurrency: 2)
        // Short: the Data API takes a secret ARN of at most 100 characters.
        let testSecretPrefix: Typed<String> = .sub("${AWS::StackName}-rt-")
        rotatorSettings.environment = environment("rotator", signingInAs: .master, backend: .dataAPI)
            + [Field(RuntimeEnvironment.testSecretPrefix, testSecretPrefix.value)]
        rotatorSettings.timeoutSeconds = 120
        let rotation = SecretRotation("SecretRotation", cluster: cluster, settings: rotatorSettings, key: key, testSecretPrefix: testSecretPrefix,
                                      everyDays: stage.secretRotationDays, after: [schema])

        let api = AuthenticatedHTTPAPI("ChatApi", AuthenticatedHTTPAPI.Settings(
            routes: ChatRoutes.all, issuer: issuer.ref, audience: audience.listRef,
            throttlingBurstLimit: stage.throttling.burstLimit, throttlingRateLimit: stage.throttling.requestsPerSecond,
            logRetentionDays: stage.logRetentionDays), function: function.function, key: key)

        // Applies Bedrock Chat's stream records; it costs nothing until a stream ARN is given.
        var syncSettings = settings("Applies Bedrock Chat's DynamoDB stream records to the search tables (\(stage.backend.rawValue))", role: "sync",
                                    signingInAs: .application, reservedConcurrency: stage.streamSync.reservedConcurrency)
        syncSettings.environment.append(Field(RuntimeEnvironment.largeMessageBucket, bedrockChat.largeMessageBucket.ref.value))
        syncSettings.timeoutSeconds = 120
        syncSettings.invokedBy = .eventSourceMappings
        let sync = ServerlessFunction("StreamSyncFunction", syncSettings, placement: placement, key: key) { grant($0, as: .application) }.dependsOn(schema)

        let alarms = ServiceAlarms("ChatAlarms", thresholds: stage.alarms, cluster: cluster, function: function, api: api, key: key)

        stack = Stack("app", description: "RAG chat API and function (\(stage.name), \(stage.backend.rawValue))") {
            artifactBucket
            artifactKey
            issuer
            audience
            key
            if let secrets { secrets }
            // The hosted rotation functions ran in dev's VPC until the rotator replaced them; the deployed
            // dev/app imports these for them. The database stack keeps exporting them for one deploy.
            // Remove this once dev/app is deployed without them.
            if stage.backend == .dataAPI {
                KeepExported([cluster.securityGroupId.value, database.network.vpcId.value] + database.network.subnets.map(\.ref.value))
            }
            migrator
            schema
            rotation
            function
            api
            alarms
            sync
            bedrockChat.wiring(to: sync, key: key, settings: stage.streamSync, alarmTopic: alarms.topic)
            Output("ApiUrl", api.url, description: "Base URL of the chat API")
            Output("FunctionName", function.function.ref, description: "Name of the chat function")
            Output("MigratorFunctionName", migrator.function.ref, description: "Name of the schema migrator function")
        }
    }
}
