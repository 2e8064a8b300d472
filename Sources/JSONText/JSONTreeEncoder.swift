/// Writes any `Encodable` as Foundation's `JSONEncoder` does with `.prettyPrinted`, `.sortedKeys`
/// and `.withoutEscapingSlashes` (`"key" : value`, an empty array or object over three lines), byte
/// for byte, for files JSONEncoder wrote first. It skips JSONEncoder's dynamic casts on every value and
/// writes bytes, not strings.
public enum JSONTreeEncoder {
    public static func prettyPrinted(_ value: some Encodable) throws -> String {
        prettyPrinted(try tree(value))
    }

    /// A `JSON` value as JSONEncoder writes one with the same options: for values that build their
    /// tree themselves, which is many times cheaper than encoding them (`latest-schema.json`).
    public static func prettyPrinted(_ tree: JSON) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(tree, to: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ tree: JSON, to out: inout [UInt8], indent: Int) {
        func pad(_ level: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level)) }
        switch tree {
        case .string, .number, .bool, .null: tree.writeCompact(to: &out)
        case .array(let items):
            out.append(contentsOf: "[\n".utf8)
            if items.isEmpty { out.append(UInt8(ascii: "\n")) }
            for (index, item) in items.enumerated() {
                pad(indent + 1)
                write(item, to: &out, indent: indent + 1)
                if index < items.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            pad(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let entries):
            out.append(contentsOf: "{\n".utf8)
            if entries.isEmpty { out.append(UInt8(ascii: "\n")) }
            let sorted = entries.sorted { $0.0 < $1.0 }
            for (index, entry) in sorted.enumerated() {
                pad(indent + 1)
                JSON.quote(entry.0, into: &out)
                out.append(contentsOf: " : ".utf8)
                write(entry.1, to: &out, indent: indent + 1)
                if index < sorted.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            pad(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Any `Encodable` as a `JSON` value, members in the order `encode(to:)` wrote them, to render
    /// as `JSON` renders (`"key": value`, `[]` for an empty array).
    public static func tree(_ value: some Encodable) throws -> JSON {
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, codingPath: []))
        return root.tree()
    }
}

/// An object or array being built, or a value an `encode(to:)` put in a single-value container.
/// Primitives are stored as they come (no slot of their own); members are sorted when written.
private final class Slot {
    enum Kind { case empty, value, object, array }
    enum Child {
        case leaf(JSON)
        case node(Slot)

        var tree: JSON {
            switch self {
            case .leaf(let json): json
            case .node(let slot): slot.tree()
            }
        }
    }

    var kind = Kind.empty
    var value = JSON.null
    var entries: [(key: String, child: Child)] = []
    var items: [Child] = []

    func set(_ json: JSON) {
        kind = .value
        value = json
    }

    /// A key set again replaces its value, as JSONEncoder does.
    func put(_ key: String, _ child: Child) {
        kind = .object
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].child = child
        } else {
            entries.append((key, child))
        }
    }

    func append(_ child: Child) {
        kind = .array
        items.append(child)
    }

    /// Takes over what `other` holds (a value that encoded itself through a single-value container).
    func adopt(_ other: Slot) {
        (kind, value, entries, items) = (other.kind, other.value, other.entries, other.items)
    }

    func becomeObject() { if kind == .empty { kind = .object } }
    func becomeArray() { if kind == .empty { kind = .array } }

    func tree() -> JSON {
        switch kind {
        case .value: value
        case .array: .array(items.map(\.tree))
        case .empty, .object: .object(entries.map { ($0.key, $0.child.tree) })
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

/// `value` as a child, through its own `encode(to:)`; one that encoded a single value is a leaf.
private func child(_ value: some Encodable, codingPath: [any CodingKey]) throws -> Slot.Child {
    let slot = Slot()
    try value.encode(to: TreeEncoder(slot: slot, codingPath: codingPath))
    return slot.kind == .value ? .leaf(slot.value) : .node(slot)
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.put(key.stringValue, .leaf(.null)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.put(key.stringValue, .leaf(.bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.put(key.stringValue, .leaf(.string(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { slot.put(key.stringValue, .leaf(try number(value, codingPath + [key]))) }
    mutating func encode(_ value: Float, forKey key: Key) throws { slot.put(key.stringValue, .leaf(try number(Double(value), codingPath + [key]))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { slot.put(key.stringValue, .leaf(number(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        slot.put(key.stringValue, try child(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = Slot()
        nested.becomeObject()
        slot.put(key.stringValue, .node(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = Slot()
        nested.becomeArray()
        slot.put(key.stringValue, .node(nested))
        return UnkeyedContainer(slot: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super", codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue, codingPath: codingPath + [key]) }

    private func superEncoder(named name: String, codingPath: [any CodingKey]) -> any Encoder {
        let nested = Slot()
        slot.put(name, .node(nested))
        return TreeEncoder(slot: nested, codingPath: codingPath)
    }
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

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    private mutating func add(_ child: Slot.Child) {
        slot.append(child)
        count += 1
    }

    mutating func encodeNil() throws { add(.leaf(.null)) }
    mutating func encode(_ value: Bool) throws { add(.leaf(.bool(value))) }
    mutating func encode(_ value: String) throws { add(.leaf(.string(value))) }
    mutating func encode(_ value: Double) throws { add(.leaf(try number(value, nextPath))) }
    mutating func encode(_ value: Float) throws { add(.leaf(try number(Double(value), nextPath))) }
    mutating func encode(_ value: Int) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: Int8) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: Int16) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: Int32) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: Int64) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: UInt) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: UInt8) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: UInt16) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: UInt32) throws { add(.leaf(number(value))) }
    mutating func encode(_ value: UInt64) throws { add(.leaf(number(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try child(value, codingPath: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = Slot(), path = nextPath
        nested.becomeObject()
        add(.node(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = Slot(), path = nextPath
        nested.becomeArray()
        add(.node(nested))
        return UnkeyedContainer(slot: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = Slot(), path = nextPath
        add(.node(nested))
        return TreeEncoder(slot: nested, codingPath: path)
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
    mutating func encode<T: Encodable>(_ value: T) throws {
        switch try child(value, codingPath: codingPath) {
        case .leaf(let json): slot.set(json)
        case .node(let nested): slot.adopt(nested)
        }
    }
}
