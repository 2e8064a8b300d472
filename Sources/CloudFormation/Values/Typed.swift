/// A property value whose CloudFormation type is known: `Typed<Bool>`, `Typed<Int>`, `Typed<String>`,
/// an enum the schema lists, a nested property struct, a list or map of those, or `Typed<AnyJSON>`.
/// It is built from a literal of that type or from an intrinsic that yields it (`.sub`, `.if`, a
/// resource's `ref` or a typed attribute), so `enableHttpEndpoint = "yes"` does not compile.
public struct Typed<Kind>: ValueConvertible, Equatable, @unchecked Sendable {
    public let value: CloudFormation.Value

    /// Wraps a value the caller vouches for. Only this module's typed builders use it.
    init(unchecked value: CloudFormation.Value) { self.value = value }
}

/// Free JSON: the schema allows any shape here (a dashboard body, a custom resource's input).
public enum AnyJSON {}

// MARK: Which literals make which kinds. Swift allows one conformance per protocol, so each kind
// that a literal may build says so through a marker protocol.

public protocol StringLiteralKind {}
extension String: StringLiteralKind {}
extension AnyJSON: StringLiteralKind {}

public protocol IntegerLiteralKind {}
extension Int: IntegerLiteralKind {}
extension Double: IntegerLiteralKind {}
extension AnyJSON: IntegerLiteralKind {}

public protocol FloatLiteralKind {}
extension Double: FloatLiteralKind {}
extension AnyJSON: FloatLiteralKind {}

public protocol BooleanLiteralKind {}
extension Bool: BooleanLiteralKind {}
extension AnyJSON: BooleanLiteralKind {}

/// Kinds an array literal builds, with the kind of each item.
public protocol ListKind { associatedtype Item }
extension Array: ListKind { public typealias Item = Element }
extension AnyJSON: ListKind { public typealias Item = AnyJSON }

/// Kinds a dictionary literal builds, with the kind of each value.
public protocol MapKind { associatedtype Entry }
extension Dictionary: MapKind where Key == String { public typealias Entry = Value }
extension AnyJSON: MapKind { public typealias Entry = AnyJSON }

extension Typed: ExpressibleByUnicodeScalarLiteral, ExpressibleByExtendedGraphemeClusterLiteral, ExpressibleByStringLiteral,
    ExpressibleByStringInterpolation where Kind: StringLiteralKind
{
    public init(stringLiteral text: String) { self.init(unchecked: CloudFormation.Value.string(text)) }
}

extension Typed: ExpressibleByIntegerLiteral where Kind: IntegerLiteralKind {
    public init(integerLiteral number: Int) { self.init(unchecked: CloudFormation.Value.int(number)) }
}

extension Typed: ExpressibleByFloatLiteral where Kind: FloatLiteralKind {
    public init(floatLiteral number: Double) { self.init(unchecked: CloudFormation.Value.double(number)) }
}

extension Typed: ExpressibleByBooleanLiteral where Kind: BooleanLiteralKind {
    public init(booleanLiteral flag: Bool) { self.init(unchecked: CloudFormation.Value.bool(flag)) }
}

extension Typed: ExpressibleByArrayLiteral where Kind: ListKind {
    public init(arrayLiteral items: Typed<Kind.Item>...) { self.init(unchecked: CloudFormation.Value.list(items.map { $0.value })) }
}

extension Typed: ExpressibleByDictionaryLiteral where Kind: MapKind {
    public init(dictionaryLiteral entries: (String, Typed<Kind.Entry>)...) {
        self.init(unchecked: CloudFormation.Value.object(entries.map { Field($0.0, $0.1.value) }))
    }
}

// MARK: Values from Swift values

extension Typed where Kind == String {
    public static func string(_ text: String) -> Typed { Typed(unchecked: CloudFormation.Value.string(text)) }
    /// `Fn::Sub`: `${Name}` and `${Name.Attribute}` placeholders, with optional variables.
    public static func sub(_ text: String, _ variables: [Field] = []) -> Typed { Typed(unchecked: CloudFormation.Value.sub(text, variables)) }
    public static func join(_ delimiter: String, _ parts: [Typed<String>]) -> Typed { Typed(unchecked: CloudFormation.Value.join(delimiter, parts.map { $0.value })) }
    public static func join(_ delimiter: String, list: Typed<[String]>) -> Typed { Typed(unchecked: CloudFormation.Value.join(delimiter, list: list.value)) }
    public static func base64(_ text: Typed<String>) -> Typed { Typed(unchecked: CloudFormation.Value.base64(text.value)) }
    public static func importValue(_ exportName: Typed<String>) -> Typed { Typed(unchecked: CloudFormation.Value.importValue(exportName.value)) }
}

extension Typed where Kind == Int {
    public static func int(_ number: Int) -> Typed { Typed(unchecked: CloudFormation.Value.int(number)) }
}

extension Typed where Kind == Double {
    public static func double(_ number: Double) -> Typed { Typed(unchecked: CloudFormation.Value.double(number)) }
}

extension Typed where Kind == Bool {
    public static func bool(_ flag: Bool) -> Typed { Typed(unchecked: CloudFormation.Value.bool(flag)) }
}

extension Typed where Kind: ListKind {
    public static func list(_ items: [Typed<Kind.Item>]) -> Typed { Typed(unchecked: CloudFormation.Value.list(items.map { $0.value })) }
}

extension Typed where Kind == [String] {
    public static func split(_ delimiter: String, _ text: Typed<String>) -> Typed { Typed(unchecked: CloudFormation.Value.split(delimiter, text.value)) }
    /// The current region's availability zones.
    public static var availabilityZones: Typed { Typed(unchecked: CloudFormation.Value.availabilityZones) }
    public static func cidr(_ block: Typed<String>, count: Int, cidrBits: Int) -> Typed {
        Typed(unchecked: CloudFormation.Value.cidr(block.value, count: count, cidrBits: cidrBits))
    }
}

extension Typed where Kind: RawRepresentable, Kind.RawValue == String {
    public init(_ choice: Kind) { self.init(unchecked: CloudFormation.Value.string(choice.rawValue)) }
}

extension Typed where Kind == [String: AnyJSON] {
    /// An object of free JSON values (a function's environment variables).
    public init(_ fields: [Field]) { self.init(unchecked: CloudFormation.Value.object(fields)) }
}

extension Typed where Kind == AnyJSON {
    /// Any value, as free JSON: a `PolicyDocument`, a built `Value`.
    public init(_ json: some ValueConvertible) { self.init(unchecked: json.value) }
}

// MARK: Intrinsics that yield any kind

extension Typed {
    /// `Fn::If`: one value where the condition holds, the other where it does not.
    public static func `if`(_ condition: ConditionDeclaration, _ then: Typed, else otherwise: Typed) -> Typed {
        Typed(unchecked: CloudFormation.Value.if(condition, then.value, else: otherwise.value))
    }

    /// `AWS::NoValue`: leaves the property out (in one branch of `if`).
    public static var noValue: Typed { Typed(unchecked: CloudFormation.Value.noValue) }

    /// `Fn::Select`: one item of a list.
    public static func select(_ index: Int, _ list: Typed<[Kind]>) -> Typed { Typed(unchecked: CloudFormation.Value.select(index, list.value)) }

    public static func findInMap(_ map: MappingDeclaration, _ topKey: Typed<String>, _ secondKey: Typed<String>) -> Typed {
        Typed(unchecked: CloudFormation.Value.findInMap(map.name, topKey.value, secondKey.value))
    }
}

// MARK: Nested property structs

/// A property whose value is an object with named fields (`ServerlessV2ScalingConfiguration`).
/// Generated structs conform; their fields keep the order they were set in.
public protocol PropertyObject: ValueConvertible {
    var propertyValues: PropertyValues { get set }
    init()
}

extension PropertyObject {
    public var value: Value { .object(propertyValues.fields) }

    public init(_ configure: (inout Self) -> Void) {
        self.init()
        configure(&self)
    }
}

extension Typed where Kind: PropertyObject {
    public init(_ object: Kind) { self.init(unchecked: object.value) }
    /// `.init { $0.minCapacity = 0.5; $0.maxCapacity = 4 }`
    public init(_ configure: (inout Kind) -> Void) { self.init(Kind(configure)) }
}

/// The properties of a resource or nested struct, in the order they were first set: the order the
/// template shows them in. Setting a property again keeps its place; setting nil removes it.
public struct PropertyValues: Sendable {
    /// Typed values keep their `Value` (no existential box); policy documents and tags keep themselves,
    /// so reading the property gives back what was set.
    private enum Stored: Sendable {
        case value(Value)
        case convertible(any ValueConvertible)

        var value: Value {
            switch self {
            case .value(let value): value
            case .convertible(let convertible): convertible.value
            }
        }
    }

    private var keys: [String] = []
    private var values: [Stored] = []

    public init() {}

    public subscript<Kind>(key: String) -> Typed<Kind>? {
        get {
            guard let index = keys.firstIndex(of: key), case .value(let value) = values[index] else { return nil }
            return Typed(unchecked: value)
        }
        set { store(key, newValue.map { .value($0.value) }) }
    }

    public subscript<T: ValueConvertible>(key: String) -> T? {
        get {
            guard let index = keys.firstIndex(of: key), case .convertible(let convertible) = values[index] else { return nil }
            return convertible as? T
        }
        set { store(key, newValue.map { .convertible($0) }) }
    }

    private mutating func store(_ key: String, _ stored: Stored?) {
        switch (keys.firstIndex(of: key), stored) {
        case (let index?, let stored?): values[index] = stored
        case (let index?, nil):
            keys.remove(at: index)
            values.remove(at: index)
        case (nil, let stored?):
            keys.append(key)
            values.append(stored)
        case (nil, nil): break
        }
    }

    public var fields: [Field] { zip(keys, values).map { Field($0, $1.value) } }
}
