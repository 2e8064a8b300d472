/// A CloudFormation property value: JSON-like data and intrinsic functions. Literals build it
/// directly (`"aurora-postgresql"`, `5432`, `true`, `["postgresql"]`, `["MinCapacity": 0]`); references
/// come from the resources and parameters themselves (`cluster.ref`, `cluster.endpointAddress`).
public indirect enum Value: Sendable, Equatable {
    case string(String)
    /// A number kept as written (`0.5`, `5432`) so rendering never reformats it.
    case number(String)
    case bool(Bool)
    case list([Value])
    case object([Field])
    case intrinsic(Intrinsic)
}

/// One key of an object, in declaration order.
public struct Field: Sendable, Equatable {
    public var key: String
    public var value: Value
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(floatLiteral value: Double) { self = .number(Value.format(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .object(elements.map { Field($0.0, $0.1) }) }

    public static func int(_ value: Int) -> Value { .number(String(value)) }
    public static func double(_ value: Double) -> Value { .number(format(value)) }

    /// `0.5` → "0.5", `4.0` → "4": capacities read the way people write them.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Anything that renders to a `Value`: the typed nested property structs, resources' references.
public protocol ValueConvertible: Sendable {
    var value: Value { get }
}

extension Value: ValueConvertible {
    public var value: Value { self }
}

/// Builds an object from key/value pairs, leaving out the keys whose value is nil.
public func fields(_ pairs: (String, (any ValueConvertible)?)...) -> [Field] {
    pairs.compactMap { key, value in value.map { Field(key, $0.value) } }
}

extension Value {
    /// Walks this value and every value nested in it, depth first.
    public func forEach(_ visit: (Value) -> Void) {
        visit(self)
        switch self {
        case .string, .number, .bool: break
        case .list(let items): items.forEach { $0.forEach(visit) }
        case .object(let fields): fields.forEach { $0.value.forEach(visit) }
        case .intrinsic(let function): function.forEachArgument { $0.forEach(visit) }
        }
    }

    /// The value with `transform` applied to every node, children first; `transform` answers nil
    /// for a node it leaves alone. A node left alone whose children are unchanged is kept as it
    /// is, not rebuilt: the linker rewrites every property of every resource, and few change.
    public func rewritten(_ transform: (Value) -> Value?) -> Value { rewrittenIfChanged(transform) ?? self }

    private func rewrittenIfChanged(_ transform: (Value) -> Value?) -> Value? {
        var rebuilt: Value?
        switch self {
        case .string, .number, .bool:
            break
        case .list(let items):
            rebuilt = items.rewriting { $0.rewrittenIfChanged(transform) }.map(Value.list)
        case .object(let fields):
            rebuilt = fields.rewriting { field in field.value.rewrittenIfChanged(transform).map { Field(field.key, $0) } }.map(Value.object)
        case .intrinsic(let function):
            rebuilt = function.rewritingArguments { $0.rewrittenIfChanged(transform) }.map(Value.intrinsic)
        }
        return transform(rebuilt ?? self) ?? rebuilt
    }
}

extension Array {
    /// The array with the elements `rewrite` changes (it returns nil for one it keeps); nil when it
    /// changes none, so that nothing is copied.
    func rewriting(_ rewrite: (Element) -> Element?) -> [Element]? {
        var changed: [Element]?
        for (index, element) in enumerated() {
            guard let new = rewrite(element) else { continue }
            if changed == nil { changed = self }
            changed![index] = new
        }
        return changed
    }
}
