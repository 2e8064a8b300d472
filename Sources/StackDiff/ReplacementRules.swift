/// Which property changes replace a resource, from the resource provider schemas
/// (`createOnlyProperties` → always, `conditionalCreateOnlyProperties` → conditional), nested paths
/// included, and the property that gives a resource its physical name. Regenerate the data with
/// `scripts/extract_replacement_rules.py`.
public enum ReplacementRules {
    struct Rules: Sendable {
        var always: [[String]]
        var conditional: [[String]]
        /// `LogGroupName`, `DBClusterIdentifier`, …; nil when the type has no settable name.
        var nameProperty: String?
    }

    static let byType: [String: Rules] = {
        var rules: [String: Rules] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4 else { continue }
            func paths(_ field: Substring) -> [[String]] {
                field.split(separator: ",").map { $0.split(separator: "/").map(String.init) }
            }
            rules[String(fields[0])] = Rules(always: paths(fields[1]), conditional: paths(fields[2]),
                                             nameProperty: fields[3].isEmpty ? nil : String(fields[3]))
        }
        return rules
    }()

    /// The replacement a change at `path` (property names; list items as `*`) causes on `type`.
    public static func classify(type: String, path: [String]) -> Replacement {
        guard let rules = byType[type] else { return .none }
        func matches(_ rule: [String]) -> Bool {
            // A change inside a create-only property, or to a whole object holding one.
            let length = min(rule.count, path.count)
            return zip(rule.prefix(length), path.prefix(length)).allSatisfy { $0 == $1 || $0 == "*" || $1 == "*" }
        }
        if rules.always.contains(where: matches) { return .always }
        if rules.conditional.contains(where: matches) { return .conditional }
        return .none
    }

    /// The property that names a resource of `type` (two resources cannot share its value).
    public static func nameProperty(of type: String) -> String? { byType[type]?.nameProperty }

    public static var typeCount: Int { byType.count }
}
