/// CloudFormation's intrinsic functions. Build them through the `Value` helpers below; resources and
/// parameters hand out their own references, so a logical ID is never typed as a string.
public enum Intrinsic: Sendable, Equatable {
    case ref(String)
    case getAtt(String, attribute: String)
    /// `Fn::Sub` with its optional variable map.
    case sub(String, variables: [Field])
    case join(delimiter: String, Value)
    case select(index: Int, Value)
    case split(delimiter: String, Value)
    case getAZs(Value)
    case importValue(Value)
    case findInMap(map: String, Value, Value)
    case base64(Value)
    case cidr(Value, count: Int, cidrBits: Int)
    case `if`(condition: String, Value, Value)
    case equals(Value, Value)
    case not(Value)
    case and([Value])
    case or([Value])
    case condition(String)

    /// Calls `body` with each nested value, for walking a template (without collecting them first).
    func forEachArgument(_ body: (Value) -> Void) {
        switch self {
        case .ref, .getAtt, .condition: break
        case .sub(_, let variables): for variable in variables { body(variable.value) }
        case .join(_, let value), .select(_, let value), .split(_, let value), .getAZs(let value),
             .importValue(let value), .base64(let value), .not(let value), .cidr(let value, _, _):
            body(value)
        case .findInMap(_, let a, let b), .if(_, let a, let b), .equals(let a, let b):
            body(a)
            body(b)
        case .and(let values), .or(let values): for value in values { body(value) }
        }
    }

    /// The function with the nested values `rewrite` changes (it returns nil for one it keeps); nil
    /// when it changes none, so walking a template builds nothing for the values it leaves alone.
    func rewritingArguments(_ rewrite: (Value) -> Value?) -> Intrinsic? {
        func pair(_ a: Value, _ b: Value) -> (Value, Value)? {
            let (newA, newB) = (rewrite(a), rewrite(b))
            return newA == nil && newB == nil ? nil : (newA ?? a, newB ?? b)
        }
        switch self {
        case .ref, .getAtt, .condition: return nil
        case .sub(let text, let variables):
            return variables.rewriting { variable in rewrite(variable.value).map { Field(variable.key, $0) } }.map { .sub(text, variables: $0) }
        case .join(let delimiter, let value): return rewrite(value).map { .join(delimiter: delimiter, $0) }
        case .select(let index, let value): return rewrite(value).map { .select(index: index, $0) }
        case .split(let delimiter, let value): return rewrite(value).map { .split(delimiter: delimiter, $0) }
        case .getAZs(let value): return rewrite(value).map { .getAZs($0) }
        case .importValue(let value): return rewrite(value).map { .importValue($0) }
        case .base64(let value): return rewrite(value).map { .base64($0) }
        case .not(let value): return rewrite(value).map { .not($0) }
        case .cidr(let value, let count, let bits): return rewrite(value).map { .cidr($0, count: count, cidrBits: bits) }
        case .findInMap(let map, let a, let b): return pair(a, b).map { .findInMap(map: map, $0.0, $0.1) }
        case .if(let condition, let a, let b): return pair(a, b).map { .if(condition: condition, $0.0, $0.1) }
        case .equals(let a, let b): return pair(a, b).map { .equals($0.0, $0.1) }
        case .and(let values): return values.rewriting(rewrite).map { .and($0) }
        case .or(let values): return values.rewriting(rewrite).map { .or($0) }
        }
    }
}

extension Value {
    public static func sub(_ text: String, _ variables: [Field] = []) -> Value { .intrinsic(.sub(text, variables: variables)) }
    public static func join(_ delimiter: String, _ values: [Value]) -> Value { .intrinsic(.join(delimiter: delimiter, .list(values))) }
    public static func join(_ delimiter: String, list: Value) -> Value { .intrinsic(.join(delimiter: delimiter, list)) }
    public static func select(_ index: Int, _ list: Value) -> Value { .intrinsic(.select(index: index, list)) }
    public static func split(_ delimiter: String, _ text: Value) -> Value { .intrinsic(.split(delimiter: delimiter, text)) }
    /// The current region's availability zones.
    public static let availabilityZones: Value = .intrinsic(.getAZs(""))
    public static func importValue(_ name: Value) -> Value { .intrinsic(.importValue(name)) }
    public static func findInMap(_ map: String, _ topKey: Value, _ secondKey: Value) -> Value {
        .intrinsic(.findInMap(map: map, topKey, secondKey))
    }
    public static func base64(_ value: Value) -> Value { .intrinsic(.base64(value)) }
    public static func cidr(_ block: Value, count: Int, cidrBits: Int) -> Value { .intrinsic(.cidr(block, count: count, cidrBits: cidrBits)) }
    public static func `if`(_ condition: ConditionDeclaration, _ then: Value, else otherwise: Value) -> Value {
        .intrinsic(.if(condition: condition.name, then, otherwise))
    }
    /// `Fn::Equals` of two strings (a parameter and a literal, say), for conditions.
    public static func equals(_ a: Typed<String>, _ b: Typed<String>) -> Value { .intrinsic(.equals(a.value, b.value)) }
    public static func not(_ value: Value) -> Value { .intrinsic(.not(.list([value]))) }
    public static func and(_ values: [Value]) -> Value { .intrinsic(.and(values)) }
    public static func or(_ values: [Value]) -> Value { .intrinsic(.or(values)) }
    /// `AWS::NoValue`: removes the property it is assigned to.
    public static let noValue: Value = .intrinsic(.ref("AWS::NoValue"))
}

/// CloudFormation's pseudo parameters.
public enum Pseudo {
    public static let region = Typed<String>(unchecked: .intrinsic(.ref("AWS::Region")))
    public static let accountId = Typed<String>(unchecked: .intrinsic(.ref("AWS::AccountId")))
    public static let partition = Typed<String>(unchecked: .intrinsic(.ref("AWS::Partition")))
    public static let stackName = Typed<String>(unchecked: .intrinsic(.ref("AWS::StackName")))
    public static let urlSuffix = Typed<String>(unchecked: .intrinsic(.ref("AWS::URLSuffix")))
    public static let stackId = Typed<String>(unchecked: .intrinsic(.ref("AWS::StackId")))
    public static let notificationARNs = Typed<[String]>(unchecked: .intrinsic(.ref("AWS::NotificationARNs")))

    static let names: Set<String> = [
        "AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix",
        "AWS::NoValue", "AWS::StackId", "AWS::NotificationARNs",
    ]
}
