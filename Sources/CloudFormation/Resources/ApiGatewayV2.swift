/// `AWS::ApiGatewayV2::*`: an HTTP API, its JWT authorizer, the Lambda proxy integration, the
/// routes and the stage.
public struct HttpApi: TypedResource {
    public let resourceType = "AWS::ApiGatewayV2::Api"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var name: Value?
    public var description: Value?
    /// `HTTP` or `WEBSOCKET`.
    public var protocolType: Value?
    /// True turns off the `execute-api` endpoint (a custom domain only).
    public var disableExecuteApiEndpoint: Value?
    public var tags: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Name", name), ("Description", description), ("ProtocolType", protocolType),
               ("DisableExecuteApiEndpoint", disableExecuteApiEndpoint), ("Tags", tags))
    }

    /// `https://{api-id}.execute-api.{region}.amazonaws.com`.
    public var apiEndpoint: Value { getAtt("ApiEndpoint") }

    /// `arn:…:execute-api:{region}:{account}:{api-id}/{stage}/{method}/{path}` with `path` as given.
    public func executeApiArn(stage: String = "*", method: String = "*", path: String = "*") -> Value {
        .sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${\(logicalId)}/\(stage)/\(method)/\(path)")
    }
}

public struct HttpApiAuthorizer: TypedResource {
    public let resourceType = "AWS::ApiGatewayV2::Authorizer"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var apiId: Value?
    public var name: Value?
    /// `JWT` or `REQUEST`.
    public var authorizerType: Value?
    /// Where the token is: `$request.header.Authorization`.
    public var identitySource: Value?
    /// `{Issuer, Audience}`.
    public var jwtConfiguration: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("ApiId", apiId), ("Name", name), ("AuthorizerType", authorizerType), ("IdentitySource", identitySource),
               ("JwtConfiguration", jwtConfiguration))
    }
}

public struct HttpApiIntegration: TypedResource {
    public let resourceType = "AWS::ApiGatewayV2::Integration"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var apiId: Value?
    public var description: Value?
    /// `AWS_PROXY` for a Lambda proxy integration.
    public var integrationType: Value?
    public var integrationUri: Value?
    /// `2.0` for the HTTP API payload format the function reads.
    public var payloadFormatVersion: Value?
    /// 50–30,000 ms.
    public var timeoutInMillis: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("ApiId", apiId), ("Description", description), ("IntegrationType", integrationType),
               ("IntegrationUri", integrationUri), ("PayloadFormatVersion", payloadFormatVersion),
               ("TimeoutInMillis", timeoutInMillis))
    }
}

public struct HttpApiRoute: TypedResource {
    public let resourceType = "AWS::ApiGatewayV2::Route"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var apiId: Value?
    /// `METHOD /path/{param}`.
    public var routeKey: Value?
    /// `NONE`, `JWT`, `AWS_IAM` or `CUSTOM`.
    public var authorizationType: Value?
    public var authorizerId: Value?
    /// `integrations/{integration-id}`.
    public var target: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("ApiId", apiId), ("RouteKey", routeKey), ("AuthorizationType", authorizationType),
               ("AuthorizerId", authorizerId), ("Target", target))
    }
}

public struct HttpApiStage: TypedResource {
    public let resourceType = "AWS::ApiGatewayV2::Stage"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var apiId: Value?
    /// `$default` serves the API at its endpoint's root.
    public var stageName: Value?
    public var description: Value?
    public var autoDeploy: Value?
    /// `{DestinationArn, Format}`.
    public var accessLogSettings: Value?
    /// `{ThrottlingBurstLimit, ThrottlingRateLimit, DetailedMetricsEnabled}`.
    public var defaultRouteSettings: Value?
    public var tags: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("ApiId", apiId), ("StageName", stageName), ("Description", description), ("AutoDeploy", autoDeploy),
               ("AccessLogSettings", accessLogSettings), ("DefaultRouteSettings", defaultRouteSettings), ("Tags", tags))
    }
}
