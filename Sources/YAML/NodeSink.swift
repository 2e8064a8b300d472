/// Where a document goes node by node, top down: `BlockWriter` writes its bytes as it goes, and
/// `NodeBuilder` builds the `Node` tree (for libyaml, and for readers of the tree). A document that
/// writes itself to a sink (`NodeSource`) is described once for both: a template is written without a
/// tree being built and then torn down, and a tree is built from the same description when needed.
public protocol NodeSink {
    mutating func scalar(_ scalar: Scalar) throws
    /// A sequence, whose items `items` writes one node each; `isEmpty` says it writes none (an empty
    /// collection is written in flow style, `[]`, before its items would be).
    mutating func sequence(tag: String?, isEmpty: Bool, _ items: (inout Self) throws -> Void) throws
    /// A mapping, whose entries `entries` writes as a `key` and then its value's node; `isEmpty`
    /// says it writes none (`{}`).
    mutating func mapping(tag: String?, isEmpty: Bool, _ entries: (inout Self) throws -> Void) throws
    /// The key of the mapping entry whose value comes next.
    mutating func key(_ key: String) throws
}

/// A document that writes itself node by node.
public protocol NodeSource {
    func write<Sink: NodeSink>(to sink: inout Sink) throws
}

extension Node: NodeSource {
    public func write<Sink: NodeSink>(to sink: inout Sink) throws {
        switch self {
        case .scalar(let scalar):
            try sink.scalar(scalar)
        case .sequence(let items, let tag):
            try sink.sequence(tag: tag, isEmpty: items.isEmpty) { sink in
                for item in items { try item.write(to: &sink) }
            }
        case .mapping(let entries, let tag):
            try sink.mapping(tag: tag, isEmpty: entries.isEmpty) { sink in
                for entry in entries {
                    try sink.key(entry.key)
                    try entry.value.write(to: &sink)
                }
            }
        }
    }
}

/// Builds the `Node` a source writes.
public struct NodeBuilder: NodeSink {
    private enum Collecting { case root, sequence, mapping }

    private var collecting = Collecting.root
    private var root: Node?
    private var items: [Node] = []
    private var entries: [Node.Entry] = []
    private var pendingKey: String?

    /// The tree `source` writes.
    public static func node(_ source: some NodeSource) -> Node {
        var builder = NodeBuilder()
        // Building a tree has no way to fail; only a sink that writes can refuse a document.
        try! source.write(to: &builder)
        guard let root = builder.root else { preconditionFailure("the source wrote no node") }
        return root
    }

    public mutating func scalar(_ scalar: Scalar) { add(.scalar(scalar)) }

    public mutating func sequence(tag: String?, isEmpty: Bool, _ items: (inout NodeBuilder) throws -> Void) throws {
        var child = NodeBuilder(collecting: .sequence)
        try items(&child)
        add(.sequence(child.items, tag: tag))
    }

    public mutating func mapping(tag: String?, isEmpty: Bool, _ entries: (inout NodeBuilder) throws -> Void) throws {
        var child = NodeBuilder(collecting: .mapping)
        try entries(&child)
        add(.mapping(child.entries, tag: tag))
    }

    public mutating func key(_ key: String) { pendingKey = key }

    private init(collecting: Collecting = .root) { self.collecting = collecting }

    private mutating func add(_ node: Node) {
        switch collecting {
        case .root: root = node
        case .sequence: items.append(node)
        case .mapping:
            guard let key = pendingKey else { preconditionFailure("a mapping's value was written without its key") }
            entries.append(Node.Entry(key, node))
            pendingKey = nil
        }
    }
}
