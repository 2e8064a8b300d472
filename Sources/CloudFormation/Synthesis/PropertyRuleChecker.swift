import DSLCore
import Synchronization

/// One value constraint of a resource provider schema, at a path of the Properties block: `""` the
/// block itself, `DnsOptions/DnsRecordIpType` a nested property, `Tags/*/Key` the key of every
/// tag (`*` is every element of a list, or every value of a map). Generated from the schemas
/// (`Generated/PropertyRules.swift`) by scripts/generate_resources.py.
public struct PropertyRule: Sendable, Equatable {
    public enum Check: Sendable, Equatable {
        /// Every one of these properties is set.
        case required([String])
        /// Exactly one of these is set (cfn-lint's `requiredXor`).
        case exactlyOne([String])
        /// Exactly one (`oneOf`) or at least one (`anyOf`) of these groups is set in full.
        case oneRequired([[String]]), anyRequired([[String]])
        /// When the first property is set, every other one is too (`dependentRequired`) or none is (`dependentExcluded`).
        case dependentRequired([String]), dependentExcluded([String])
        case enumeration([String])
        /// A JSON schema `format` synth knows: `ipv4-network` (`10.40.0.0/16`).
        case format(String)
        case pattern(String)
        case minLength(Int), maxLength(Int), minItems(Int), maxItems(Int)
        case minimum(Double), maximum(Double)

        /// `required`, `pattern`, `max-length`, …: what kind of rule, in a diagnostic's id.
        public var name: String {
            switch self {
            case .required: "required"
            case .exactlyOne, .oneRequired: "one-of"
            case .anyRequired: "any-of"
            case .dependentRequired: "required-together"
            case .dependentExcluded: "excluded-together"
            case .enumeration: "enum"
            case .format: "format"
            case .pattern: "pattern"
            case .minLength, .maxLength: "length"
            case .minItems, .maxItems: "items"
            case .minimum, .maximum: "range"
            }
        }
    }

    public var path: String
    public var check: Check
    /// `path` split at its slashes, once, when the table is first read.
    let components: [String]

    init(_ path: String, _ check: Check) {
        self.path = path
        self.check = check
        // Most paths are the block itself or one property: those need no splitting.
        components = path.isEmpty ? [] : !path.utf8.contains(UInt8(ascii: "/")) ? [path]
            : path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The resource types that have rules: those with a generated struct.
    public static var resourceTypes: [String] { byResourceType.keys.sorted() }

    /// The rules of a resource type; none for a type without a generated struct.
    public static func rules(for resourceType: String) -> [PropertyRule] { byResourceType[resourceType] ?? [] }

    /// A resource type's rules by the property their path starts at, each with its place in the
    /// type's list: a resource sets a handful of the properties its rules name, and looking each
    /// rule's property up in every resource cost more than checking the ones set.
    final class Index: Sendable {
        /// Rules whose path is the block itself or starts with `*`.
        let block: [(order: Int, rule: PropertyRule)]
        let byProperty: [String: [(order: Int, rule: PropertyRule)]]
        var isEmpty: Bool { block.isEmpty && byProperty.isEmpty }

        init(_ rules: [PropertyRule]) {
            var block: [(order: Int, rule: PropertyRule)] = []
            var byProperty: [String: [(order: Int, rule: PropertyRule)]] = [:]
            for (order, rule) in rules.enumerated() {
                if let first = rule.components.first, first != "*" {
                    byProperty[first, default: []].append((order, rule))
                } else {
                    block.append((order, rule))
                }
            }
            self.block = block
            self.byProperty = byProperty
        }
    }

    private static let indexes = Mutex<[String: Index]>([:])

    static func index(for resourceType: String) -> Index {
        if let known = indexes.withLock({ $0[resourceType] }) { return known }
        let index = Index(rules(for: resourceType))
        indexes.withLock { $0[resourceType] = index }
        return index
    }
}

/// Checks a resource's properties against its type's `PropertyRule`s where they are known at synth
/// time: literals are checked, and a value that is an intrinsic (a `Ref`, an `Fn::If`) is left to
/// CloudFormation, since what it resolves to is not known until deployment. Each pattern is
/// compiled once per process, the first time a value meets it (`CompiledPatterns`).
public struct PropertyRuleChecker {
    public init() {}

    public struct Violation: Sendable, Equatable {
        /// The kind of rule (`required`, `pattern`, …), for the diagnostic's id.
        public var check: String
        /// The property's path in the template (`Properties.Tags[0].Key`), then what is wrong.
        public var message: String
    }

    /// What breaks a rule, in the order of the type's rules.
    public func violations(of resource: any Resource) -> [Violation] {
        let index = PropertyRule.index(for: resource.resourceType)
        guard !index.isEmpty else { return [] }
        let fields = resource.properties
        return Self.checked.result(type: resource.resourceType, properties: fields) { Self.violations(of: fields, index) }
    }

    /// Violations depend on the type and the properties alone, and the stages declare many resources
    /// alike (staging's and prod's share two thirds): each distinct block is checked once.
    private static let checked = CheckedBlocks()

    private static func violations(of fields: [Field], _ index: PropertyRule.Index) -> [Violation] {
        var found: [(order: Int, violation: Violation)] = []
        var steps: [Step] = []
        func check(_ rule: (order: Int, rule: PropertyRule), _ components: ArraySlice<String>, in value: Value) {
            // The path is written only for a value that breaks the rule.
            Self.visit(components, in: value, at: &steps) { steps, value in
                if let message = violation(of: rule.rule.check, by: value) {
                    found.append((rule.order, Violation(check: rule.rule.check.name, message: Self.path(steps) + ": " + message)))
                }
            }
        }
        // Rules about the block itself, or every property of it (`*`), start from the block.
        for rule in index.block { check(rule, rule.rule.components[...], in: .object(fields)) }
        // A resource's properties have distinct keys (its generated type has one member per property).
        for field in fields {
            guard let rules = index.byProperty[field.key] else { continue }
            steps = [.key(field.key)]
            for rule in rules { check(rule, rule.rule.components.dropFirst(), in: field.value) }
        }
        return found.sorted { $0.order < $1.order }.map(\.violation)
    }

    /// The violations of the property blocks already checked, by resource type; a few hundred a type
    /// at most, so the generative tests, which check thousands, keep only the latest. Not a
    /// `RecentResults`: that one list of a few entries, searched whole, measured 20 M instructions
    /// more for a synth run's three hundred blocks than these lists by type.
    final class CheckedBlocks: Sendable {
        private static let perType = 256
        private let blocks = Mutex<[String: [(properties: [Field], violations: [Violation])]]>([:])

        func result(type: String, properties: [Field], _ check: () -> [Violation]) -> [Violation] {
            if let known = blocks.withLock({ $0[type]?.first { $0.properties == properties }?.violations }) { return known }
            let violations = check()
            blocks.withLock { blocks in
                blocks[type, default: []].append((properties, violations))
                if blocks[type]!.count > Self.perType { blocks[type]!.removeFirst() }
            }
            return violations
        }
    }

    /// One step of a path below `Properties`: a key, or a list element's position.
    enum Step { case key(String), element(Int) }

    /// `Properties.Tags[0].Key`.
    static func path(_ steps: [Step]) -> String {
        steps.reduce(into: "Properties") { path, step in
            switch step {
            case .key(let key): path += ".\(key)"
            case .element(let offset): path += "[\(offset)]"
            }
        }
    }

    /// Calls `body` with each value at `components` below `value` and the steps to it; intrinsics are not looked into.
    static func visit(_ components: ArraySlice<String>, in value: Value, at steps: inout [Step], _ body: ([Step], Value) -> Void) {
        guard let first = components.first else { return body(steps, value) }
        let rest = components.dropFirst()
        switch value {
        case .object(let fields):
            for field in fields where first == "*" || field.key == first {
                steps.append(.key(field.key))
                visit(rest, in: field.value, at: &steps, body)
                steps.removeLast()
            }
        case .list(let elements) where first == "*":
            for (offset, element) in elements.enumerated() {
                steps.append(.element(offset))
                visit(rest, in: element, at: &steps, body)
                steps.removeLast()
            }
        default:
            return
        }
    }

    static func violation(of check: PropertyRule.Check, by value: Value) -> String? {
        // The keys set, for the rules about which properties go together; a block has a handful.
        func keys() -> [String]? {
            guard case .object(let fields) = value else { return nil }
            return fields.map(\.key)
        }
        func listed(_ names: [String]) -> String { names.joined(separator: ", ") }
        switch check {
        case .required(let names):
            guard let present = keys() else { return nil }
            let missing = names.filter { !present.contains($0) }
            return missing.isEmpty ? nil : "\(listed(missing)) \(missing.count == 1 ? "is" : "are") required; set \(missing.count == 1 ? "it" : "them")"
        case .exactlyOne(let names):
            guard let present = keys() else { return nil }
            let set = names.filter(present.contains)
            return set.count == 1 ? nil : "exactly one of \(listed(names)) must be set" + (set.isEmpty ? "" : "; \(listed(set)) are")
        case .oneRequired(let groups), .anyRequired(let groups):
            guard let present = keys() else { return nil }
            let satisfied = groups.filter { $0.allSatisfy(present.contains) }.count
            let exactlyOne: Bool = if case .oneRequired = check { true } else { false }
            if satisfied == 0 { return "set \(exactlyOne ? "one" : "at least one") of: \(groups.map(listed).joined(separator: " / "))" }
            return exactlyOne && satisfied > 1 ? "set only one of: \(groups.map(listed).joined(separator: " / "))" : nil
        case .dependentRequired(let names):
            guard let present = keys(), let first = names.first, present.contains(first) else { return nil }
            let missing = names.dropFirst().filter { !present.contains($0) }
            return missing.isEmpty ? nil : "\(first) needs \(listed(Array(missing))) too"
        case .dependentExcluded(let names):
            guard let present = keys(), let first = names.first, present.contains(first) else { return nil }
            let clashing = names.dropFirst().filter(present.contains)
            return clashing.isEmpty ? nil : "\(first) cannot be set with \(listed(Array(clashing))); remove one"
        case .enumeration(let allowed):
            guard let text = Self.scalar(value), !allowed.contains(text) else { return nil }
            return "\"\(text)\" is not one of \(listed(allowed))"
        case .format(let format):
            guard format == "ipv4-network", case .string(let text) = value, PrivateNetwork.prefixLength(ofIPv4Network: text) == nil else { return nil }
            return "\"\(text)\" is not an IPv4 network such as 10.0.0.0/16"
        case .pattern(let pattern):
            guard case .string(let text) = value, CompiledPatterns.matches(pattern, text) == false else { return nil }
            return "\"\(text)\" does not match the pattern \(pattern)"
        case .minLength(let minimum):
            guard case .string(let text) = value, text.unicodeScalars.count < minimum else { return nil }
            return "\"\(text)\" is shorter than \(minimum) characters"
        case .maxLength(let maximum):
            guard case .string(let text) = value, text.unicodeScalars.count > maximum else { return nil }
            return "\"\(text.prefix(40))\(text.count > 40 ? "…" : "")\" is longer than \(maximum) characters"
        case .minItems(let minimum):
            guard case .list(let elements) = value, elements.count < minimum else { return nil }
            return "has \(elements.count) items; at least \(minimum) are needed"
        case .maxItems(let maximum):
            guard case .list(let elements) = value, elements.count > maximum else { return nil }
            return "has \(elements.count) items; at most \(maximum) are allowed"
        case .minimum(let minimum):
            guard let number = Self.number(value), number < minimum else { return nil }
            return "\(Value.format(number)) is below the minimum \(Value.format(minimum))"
        case .maximum(let maximum):
            guard let number = Self.number(value), number > maximum else { return nil }
            return "\(Value.format(number)) is above the maximum \(Value.format(maximum))"
        }
    }

    static func scalar(_ value: Value) -> String? {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .number(let text), .string(let text): Double(text)
        default: nil
        }
    }
}
