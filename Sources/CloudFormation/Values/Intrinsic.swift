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

    /// The nested values, for walking a template.
    var arguments: [Value] {
        switch self {
        case .ref, .getAtt, .condition: []
        case .sub(_, let variables): variables.map(\.value)
        case .join(_, let value), .select(_, let value), .split(_, let value), .getAZs(let value),
             .importValue(let value), .base64(let value), .not(let value), .cidr(let value, _, _):
            [value]
        case .findInMap(_, let a, let b), .if(_, let a, let b), .equals(let a, let b): [a, b]
        case .and(let values), .or(let values): values
        }
    }

    func mapArguments(_ transform: (Value) -> Value) -> Intrinsic {
        switch self {
        case .ref, .getAtt, .condition: self
        case .sub(let text, let variables): .sub(text, variables: variables.map { Field($0.key, transform($0.value)) })
        case .join(let delimiter, let value): .join(delimiter: delimiter, transform(value))
        case .select(let index, let value): .select(index: index, transform(value))
        case .split(let delimiter, let value): .split(delimiter: delimiter, transform(value))
        case .getAZs(let value): .getAZs(transform(value))
        case .importValue(let value): .importValue(transform(value))
        case .findInMap(let map, let a, let b): .findInMap(map: map, transform(a), transform(b))
        case .base64(let value): .base64(transform(value))
        case .cidr(let value, let count, let bits): .cidr(transform(value), count: count, cidrBits: bits)
        case .if(let condition, let a, let b): .if(condition: condition, transform(a), transform(b))
        case .equals(let a, let b): .equals(transform(a), transform(b))
        case .not(let value): .not(transform(value))
        case .and(let values): .and(values.map(transform))
        case .or(let values): .or(values.map(transform))
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
