extension Secret {
    /// A `{{resolve:secretsmanager:…}}` dynamic reference to one key of this secret's JSON, resolved by
    /// CloudFormation at deploy time so the value never appears in the template.
    public func resolve(jsonKey: String) -> Typed<String> {
        .sub("{{resolve:secretsmanager:${\(logicalId)}:SecretString:\(jsonKey)}}")
    }
}
