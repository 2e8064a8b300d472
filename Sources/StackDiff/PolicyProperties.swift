/// The properties of each resource type that hold a policy document, from the resource provider
/// schemas (`scripts/extract_policy_properties.py` writes `Generated/PolicyPropertiesTable.swift`):
/// the same source as the replacement rules, so a new AWS resource policy is read when cfn-lint's
/// schemas name it.
enum PolicyProperties {
    static let byType: [String: [String]] = {
        var properties: [String: [String]] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { continue }
            properties[String(fields[0])] = fields[1].split(separator: ",").map(String.init)
        }
        return properties
    }()

    /// The document properties of `type`; for a type the schemas do not know (a typo, a custom
    /// resource), the names IAM, KMS and the resource policies use.
    static func documents(of type: String) -> [String] {
        byType[type] ?? ["PolicyDocument", "AssumeRolePolicyDocument", "KeyPolicy", "ResourcePolicy"]
    }
}
