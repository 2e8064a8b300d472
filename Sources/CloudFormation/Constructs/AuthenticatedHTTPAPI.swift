import DSLCore

/// An API Gateway HTTP API in front of one function: every route needs a JWT from the issuer for
/// the audience, reaches the function through a Lambda proxy integration (payload 2.0), and the
/// `$default` stage writes access logs to an encrypted log group and throttles by default. The
/// function may be invoked by this API only (`AWS::Lambda::Permission` on its `execute-api` ARN).
public struct AuthenticatedHTTPAPI: StackContent {
    public struct Settings: Sendable {
        /// Route keys, `METHOD /path/{param}`.
        public var routes: [String]
        /// The token issuer (a Cognito user pool: `https://cognito-idp.{region}.amazonaws.com/{pool-id}`).
        public var issuer: Typed<String>
        /// Accepted `aud` (or, for Cognito access tokens, `client_id`) values.
        public var audience: Typed<[String]>
        public var throttlingBurstLimit: Int
        public var throttlingRateLimit: Double
        public var logRetentionDays: Int
        /// What API Gateway waits for the function, at most 30 s.
        public var integrationTimeoutMilliseconds = 29_000

        public init(routes: [String], issuer: Typed<String>, audience: Typed<[String]>, throttlingBurstLimit: Int, throttlingRateLimit: Double,
                    logRetentionDays: Int) {
            self.routes = routes
            self.issuer = issuer
            self.audience = audience
            self.throttlingBurstLimit = throttlingBurstLimit
            self.throttlingRateLimit = throttlingRateLimit
            self.logRetentionDays = logRetentionDays
        }
    }

    public let api: HttpApi
    public let authorizer: HttpApiAuthorizer
    public let integration: HttpApiIntegration
    public let routes: [HttpApiRoute]
    public let accessLogs: LogGroup
    public let stage: HttpApiStage
    public let permission: LambdaPermission
    public let location: SourceLocation
    private let settings: Settings

    /// One line per request, JSON, with what a reviewer of an incident needs and no request body.
    public static let accessLogFormat = #"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","#
        + #""user":"$context.authorizer.claims.sub","routeKey":"$context.routeKey","status":"$context.status","#
        + #""latencyMs":"$context.responseLatency","integrationLatencyMs":"$context.integrationLatency","#
        + #""integrationError":"$context.integrationErrorMessage","requestTime":"$context.requestTime"}"#

    public init(_ logicalId: String, _ settings: Settings, function: Function, key: EncryptionKey,
                filePath: String = #filePath, line: Int = #line) {
        location = SourceLocation(filePath: filePath, line: line)
        self.settings = settings
        let api = HttpApi(logicalId) {
            $0.name = .sub("${AWS::StackName}-\(logicalId)")
            $0.description = "Chat API: every route requires a JWT"
            $0.protocolType = "HTTP"
        }
        let authorizer = HttpApiAuthorizer("\(logicalId)Authorizer") {
            $0.apiId = api.ref
            $0.name = "jwt"
            $0.authorizerType = "JWT"
            $0.identitySource = ["$request.header.Authorization"]
            $0.jwtConfiguration = .init {
                $0.issuer = settings.issuer
                $0.audience = settings.audience
            }
        }
        let integration = HttpApiIntegration("\(logicalId)Integration") {
            $0.apiId = api.ref
            $0.description = "Lambda proxy to the chat function"
            $0.integrationType = "AWS_PROXY"
            $0.integrationUri = function.arn
            $0.payloadFormatVersion = "2.0"
            $0.timeoutInMillis = .int(settings.integrationTimeoutMilliseconds)
        }
        routes = settings.routes.map { key in
            HttpApiRoute("\(logicalId)Route\(Self.logicalIdPart(key))") {
                $0.apiId = api.ref
                $0.routeKey = .string(key)
                $0.authorizationType = "JWT"
                $0.authorizerId = authorizer.ref
                $0.target = .sub("integrations/${\(integration.logicalId)}")
            }
        }
        let accessLogs = LogGroup("\(logicalId)AccessLogs") {
            $0.retentionInDays = .int(settings.logRetentionDays)
            $0.kmsKeyId = key.arn
        }.retention(onDelete: .delete)
        stage = HttpApiStage("\(logicalId)DefaultStage") {
            $0.apiId = api.ref
            $0.stageName = "$default"
            $0.autoDeploy = true
            $0.accessLogSettings = .init {
                $0.destinationArn = accessLogs.arn
                $0.format = .string(Self.accessLogFormat)
            }
            $0.defaultRouteSettings = .init {
                $0.throttlingBurstLimit = .int(settings.throttlingBurstLimit)
                $0.throttlingRateLimit = .double(settings.throttlingRateLimit)
                $0.detailedMetricsEnabled = true
            }
        }
        permission = LambdaPermission("\(logicalId)InvokesFunction") {
            $0.action = "lambda:InvokeFunction"
            $0.functionName = function.ref
            $0.principal = "apigateway.amazonaws.com"
            $0.sourceArn = api.executeApiArn()
        }
        (self.api, self.authorizer, self.integration, self.accessLogs) = (api, authorizer, integration, accessLogs)
    }

    /// The URL clients call (the `$default` stage is served at the endpoint's root).
    public var url: Typed<String> { api.apiEndpoint }

    public var elements: [StackElement] {
        let resources: [any Resource] = [api, authorizer, integration] + routes + [accessLogs, stage, permission]
        return resources.flatMap(\.elements)
    }

    public var diagnostics: [Diagnostic] {
        var problems: [String] = []
        if settings.routes.isEmpty { problems.append("it has no routes") }
        let duplicates = Dictionary(grouping: settings.routes, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !duplicates.isEmpty { problems.append("routes \(duplicates.joined(separator: ", ")) are listed twice") }
        for key in settings.routes where !Self.isRouteKey(key) {
            problems.append("route \"\(key)\" is not `METHOD /path` (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY, then a path starting with /)")
        }
        if !(50...30_000).contains(settings.integrationTimeoutMilliseconds) {
            problems.append("integrationTimeoutMilliseconds must be 50–30000 (got \(settings.integrationTimeoutMilliseconds))")
        }
        if settings.throttlingBurstLimit < 1 || settings.throttlingRateLimit <= 0 {
            problems.append("throttling limits must be positive (burst \(settings.throttlingBurstLimit), rate \(settings.throttlingRateLimit))")
        }
        return problems.map { Diagnostic("api.settings", location: location, subject: "AuthenticatedHTTPAPI \"\(api.logicalId)\"", message: $0) }
    }

    static let methods: [Substring] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]

    static func isRouteKey(_ key: String) -> Bool {
        let parts = key.split(separator: " ", omittingEmptySubsequences: false)
        return parts.count == 2 && methods.contains(parts[0]) && parts[1].hasPrefix("/")
    }

    /// `GET /bots/search` → `GetBotsSearch`; `POST /conversations/{id}/messages` → `PostConversationsIdMessages`.
    static func logicalIdPart(_ key: String) -> String {
        // Route keys are ASCII (`POST /bots/{botId}`): their words are read byte by byte, without the
        // Unicode property and case tables the general reading needs.
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else { return wordsCapitalized(key) }
        var part: [UInt8] = []
        var startsWord = true
        for byte in key.utf8 {
            let isLetter = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            guard isLetter || (0x30...0x39).contains(byte) else { startsWord = true; continue }
            let lowered = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            part.append(startsWord && isLetter ? lowered - 0x20 : lowered)
            startsWord = false
        }
        return String(decoding: part, as: UTF8.self)
    }

    /// Any text's letters and digits, each word capitalized and the rest dropped.
    static func wordsCapitalized(_ key: String) -> String {
        key.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { word in
            word.prefix(1).uppercased() + word.dropFirst().lowercased()
        }.joined()
    }
}
