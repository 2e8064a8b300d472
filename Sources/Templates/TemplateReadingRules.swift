import YAML

extension Parser.Rules {
    /// What a CloudFormation template may contain, as CloudFormation reads one: no anchors or aliases
    /// (CloudFormation refuses them, and an alias bomb of a few hundred bytes would otherwise expand
    /// to billions of nodes), CloudFormation's own short-form tags only, and no deeper nesting than a
    /// template ever needs.
    public static let cloudFormation = Parser.Rules(allowsAliases: false, maximumDepth: 200, allowedTags: Set([
        "Ref", "Condition", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap", "Base64",
        "Cidr", "GetAZs", "ImportValue", "Transform", "Length", "ToJsonString", "ForEach",
        // The Rules section's functions.
        "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
    ].map { "!" + $0 }))
}
