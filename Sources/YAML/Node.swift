/// A YAML document as this project reads and writes it: scalars, sequences and insertion-ordered
/// mappings, each with an optional tag (`!Ref`, `!Sub`, …). Anchors and aliases are expanded on read
/// and never written.
public indirect enum Node: Hashable, Sendable {
    case scalar(Scalar)
    case sequence([Node], tag: String? = nil)
    case mapping([Entry], tag: String? = nil)

    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: Node
        public init(_ key: String, _ value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var tag: String? {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .sequence(_, let tag), .mapping(_, let tag): tag
        }
    }
}

/// What a scalar means once read: a string is always a string, whatever its text looks like; the
/// other kinds are written plain and their text is the YAML token (`true`, `5432`, `0.5`, `null`).
public enum ScalarKind: Hashable, Sendable {
    case string, bool, int, float, null
}

public struct Scalar: Hashable, Sendable {
    public var text: String
    public var kind: ScalarKind
    public var tag: String?

    public init(_ text: String, kind: ScalarKind = .string, tag: String? = nil) {
        self.text = text
        self.kind = kind
        self.tag = tag
    }
}

extension Node {
    public static func string(_ text: String, tag: String? = nil) -> Node {
        .scalar(Scalar(text, kind: .string, tag: tag))
    }
    public static func bool(_ value: Bool) -> Node { .scalar(Scalar(value ? "true" : "false", kind: .bool)) }
    public static func int(_ value: Int) -> Node { .scalar(Scalar(String(value), kind: .int)) }
    /// A number written exactly as given (`0.5`, `1.0`), so rendering never reformats a value.
    public static func number(_ text: String) -> Node { .scalar(Scalar(text, kind: text.contains(".") ? .float : .int)) }
    public static let null = Node.scalar(Scalar("null", kind: .null))

    /// The value under `key` when this is a mapping.
    public subscript(key: String) -> Node? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The item at `index` when this is a sequence that long.
    public subscript(index: Int) -> Node? {
        guard case .sequence(let items, _) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var scalarText: String? {
        if case .scalar(let scalar) = self { return scalar.text }
        return nil
    }
}
