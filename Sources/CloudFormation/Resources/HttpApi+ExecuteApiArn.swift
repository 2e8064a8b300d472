extension HttpApi {
    /// `arn:…:execute-api:{region}:{account}:{api-id}/{stage}/{method}/{path}` with `path` as given:
    /// the source a `LambdaPermission` lets invoke a function.
    public func executeApiArn(stage: String = "*", method: String = "*", path: String = "*") -> Typed<String> {
        .sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${\(logicalId)}/\(stage)/\(method)/\(path)")
    }
}
