/// Encodes any `Encodable` into a `JSON` tree, keys sorted. It writes what Foundation's `JSONEncoder`
/// writes for the same value with `.sortedKeys`, without its dynamic casts on every value (a third of
/// what synth spent on a stage, encoding its schema snapshot).
public enum JSONTreeEncoder {
    public static func encode(_ value: some Encodable) throws -> JSON {
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, codingPath: []))
        return root.json
    }
}

/// A place in the tree being built: a value, or an object or array whose members are filled in later.
/// Members live in the slot itself, so adding one never copies the others.
private final class Slot {
    enum Kind { case empty, value, object, array }

    var kind = Kind.empty
    var value = JSON.null
    var members: [String: Slot] = [:]
    var items: [Slot] = []

    func set(_ json: JSON) {
        kind = .value
        value = json
    }

    func member(_ key: String) -> Slot {
        kind = .object
        if let existing = members[key] { return existing }
        let slot = Slot()
        members[key] = slot
        return slot
    }

    func appended() -> Slot {
        kind = .array
        let slot = Slot()
        items.append(slot)
        return slot
    }

    func becomeObject() { if kind == .empty { kind = .object } }
    func becomeArray() { if kind == .empty { kind = .array } }

    var json: JSON {
        switch kind {
        case .empty: .object([])
        case .value: value
        case .object: .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })
        case .array: .array(items.map(\.json))
        }
    }
}

private func number(_ value: some BinaryInteger) -> JSON { .number(String(value)) }

/// `4.0` → `4`, `0.5` → `0.5`, as JSONEncoder writes them; JSON has no NaN or infinity.
private func number(_ value: Double, _ codingPath: [any CodingKey]) throws -> JSON {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "JSON has no \(value)"))
    }
    return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.becomeArray()
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(slot: slot, codingPath: codingPath) }
}

/// Encodes `value` into `slot`: primitives directly, anything else through its own `encode(to:)`.
private func encode(_ value: some Encodable, into slot: Slot, codingPath: [any CodingKey]) throws {
    switch value {
    case let text as String: slot.set(.string(text))
    case let flag as Bool: slot.set(.bool(flag))
    case let number as Double: slot.set(try JSONText.number(number, codingPath))
    default: try value.encode(to: TreeEncoder(slot: slot, codingPath: codingPath))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.member(key.stringValue).set(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.member(key.stringValue).set(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.member(key.stringValue).set(.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { slot.member(key.stringValue).set(try number(value, codingPath + [key])) }
    mutating func encode(_ value: Float, forKey key: Key) throws { slot.member(key.stringValue).set(try number(Double(value), codingPath + [key])) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { slot.member(key.stringValue).set(number(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONText.encode(value, into: slot.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = slot.member(key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = slot.member(key.stringValue)
        child.becomeArray()
        return UnkeyedContainer(slot: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key]) }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(slot: Slot, codingPath: [any CodingKey]) {
        self.slot = slot
        self.codingPath = codingPath
    }

    private mutating func next() -> (Slot, [any CodingKey]) {
        defer { count += 1 }
        return (slot.appended(), codingPath + [IndexKey(count)])
    }

    mutating func encodeNil() throws { next().0.set(.null) }
    mutating func encode(_ value: Bool) throws { next().0.set(.bool(value)) }
    mutating func encode(_ value: String) throws { next().0.set(.string(value)) }
    mutating func encode(_ value: Double) throws { let (slot, path) = next(); slot.set(try number(value, path)) }
    mutating func encode(_ value: Float) throws { let (slot, path) = next(); slot.set(try number(Double(value), path)) }
    mutating func encode(_ value: Int) throws { next().0.set(number(value)) }
    mutating func encode(_ value: Int8) throws { next().0.set(number(value)) }
    mutating func encode(_ value: Int16) throws { next().0.set(number(value)) }
    mutating func encode(_ value: Int32) throws { next().0.set(number(value)) }
    mutating func encode(_ value: Int64) throws { next().0.set(number(value)) }
    mutating func encode(_ value: UInt) throws { next().0.set(number(value)) }
    mutating func encode(_ value: UInt8) throws { next().0.set(number(value)) }
    mutating func encode(_ value: UInt16) throws { next().0.set(number(value)) }
    mutating func encode(_ value: UInt32) throws { next().0.set(number(value)) }
    mutating func encode(_ value: UInt64) throws { next().0.set(number(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (slot, path) = next()
        try JSONText.encode(value, into: slot, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (child, path) = next()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (child, path) = next()
        child.becomeArray()
        return UnkeyedContainer(slot: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let (child, path) = next()
        return TreeEncoder(slot: child, codingPath: path)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.set(.null) }
    mutating func encode(_ value: Bool) throws { slot.set(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.set(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.set(try number(value, codingPath)) }
    mutating func encode(_ value: Float) throws { slot.set(try number(Double(value), codingPath)) }
    mutating func encode(_ value: Int) throws { slot.set(number(value)) }
    mutating func encode(_ value: Int8) throws { slot.set(number(value)) }
    mutating func encode(_ value: Int16) throws { slot.set(number(value)) }
    mutating func encode(_ value: Int32) throws { slot.set(number(value)) }
    mutating func encode(_ value: Int64) throws { slot.set(number(value)) }
    mutating func encode(_ value: UInt) throws { slot.set(number(value)) }
    mutating func encode(_ value: UInt8) throws { slot.set(number(value)) }
    mutating func encode(_ value: UInt16) throws { slot.set(number(value)) }
    mutating func encode(_ value: UInt32) throws { slot.set(number(value)) }
    mutating func encode(_ value: UInt64) throws { slot.set(number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try JSONText.encode(value, into: slot, codingPath: codingPath) }
}
