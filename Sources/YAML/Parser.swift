import CYAML

/// Reads YAML into `Node`s through libyaml's event API. Tags are kept as written (`!Ref`); a plain
/// scalar gets its YAML 1.1 meaning, a quoted one is a string; aliases are expanded unless the rules
/// refuse them. Errors carry libyaml's line and column.
public enum Parser {
    /// What a document may contain beyond YAML itself.
    public struct Rules: Sendable {
        /// Anchors (`&a`) and aliases (`*a`). An alias repeats its anchor's whole tree, so a few
        /// hundred bytes of nested aliases expand to billions of nodes.
        public var allowsAliases: Bool
        /// Collections nested deeper than this are refused (nil: no limit).
        public var maximumDepth: Int?
        /// The only local tags allowed (nil: any).
        public var allowedTags: Set<String>?

        public init(allowsAliases: Bool, maximumDepth: Int?, allowedTags: Set<String>?) {
            self.allowsAliases = allowsAliases
            self.maximumDepth = maximumDepth
            self.allowedTags = allowedTags
        }

        /// Any YAML.
        public static let yaml = Rules(allowsAliases: true, maximumDepth: nil, allowedTags: nil)
    }

    public static func parse(_ text: String, rules: Rules = .yaml) throws -> Node {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError("libyaml: cannot initialize the parser") }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(rules: rules)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw parserError(parser) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.handle(event)
            }
            guard let root = builder.documents.first else { return .null }
            return root
        }
    }

    private static func parserError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) + ": " } ?? ""
        let mark = parser.problem_mark
        return YAMLError(context + problem, line: mark.line + 1, column: mark.column + 1)
    }
}

private struct TreeBuilder {
    /// A collection being read. A class, so appending to it never copies what it already holds.
    final class Open {
        let isMapping: Bool
        let tag: String?
        let anchor: String?
        var items: [Node] = []
        var entries: [Node.Entry] = []
        var keys = Set<String>()
        var pendingKey: String?

        init(isMapping: Bool, tag: String?, anchor: String?) {
            self.isMapping = isMapping
            self.tag = tag
            self.anchor = anchor
        }
    }

    let rules: Parser.Rules
    var stack: [Open] = []
    var documents: [Node] = []
    var anchors: [String: Node] = [:]

    init(rules: Parser.Rules) {
        self.rules = rules
    }

    mutating func handle(_ event: yaml_event_t) throws {
        let line = event.start_mark.line + 1
        let column = event.start_mark.column + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let tag = data.tag.map { String(cString: $0) }
            try check(tag: tag, line: line, column: column)
            let plain = data.style == YAML_PLAIN_SCALAR_STYLE
            try add(Node.scalar(Self.scalar(text, tag: tag, plain: plain)), anchorName: try anchor(data.anchor, line: line, column: column),
                    line: line, column: column)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let (tag, anchorPointer) = isMapping ? (event.data.mapping_start.tag, event.data.mapping_start.anchor)
                                                 : (event.data.sequence_start.tag, event.data.sequence_start.anchor)
            if let maximumDepth = rules.maximumDepth, stack.count >= maximumDepth {
                throw YAMLError("collections nested more than \(maximumDepth) deep; no CloudFormation template nests this far", line: line, column: column)
            }
            try check(tag: tag.map { String(cString: $0) }, line: line, column: column)
            stack.append(Open(isMapping: isMapping, tag: Self.keptTag(tag), anchor: try anchor(anchorPointer, line: line, column: column)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast() else { throw YAMLError("unbalanced collection end", line: line, column: column) }
            let node: Node = open.isMapping ? .mapping(open.entries, tag: open.tag) : .sequence(open.items, tag: open.tag)
            try add(node, anchorName: open.anchor, line: line, column: column)
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard rules.allowsAliases else { throw Self.noAliases("alias *\(name)", line: line, column: column) }
            guard let target = anchors[name] else {
                throw YAMLError("alias *\(name) refers to no anchor", line: line, column: column)
            }
            try add(target, anchorName: nil, line: line, column: column)
        default:
            break
        }
    }

    private func anchor(_ pointer: UnsafeMutablePointer<UInt8>?, line: Int, column: Int) throws -> String? {
        guard let pointer else { return nil }
        let name = String(cString: pointer)
        guard rules.allowsAliases else { throw Self.noAliases("anchor &\(name)", line: line, column: column) }
        return name
    }

    private static func noAliases(_ what: String, line: Int, column: Int) -> YAMLError {
        YAMLError("\(what): CloudFormation does not accept YAML anchors or aliases; write the value out where it is used",
                  line: line, column: column)
    }

    /// A local tag (`!Ref`) must be one the rules allow; core-schema tags (`!!str`) always are.
    private func check(tag: String?, line: Int, column: Int) throws {
        guard let allowed = rules.allowedTags, let tag, tag != "!", !tag.hasPrefix(Self.coreTagPrefix) else { return }
        guard allowed.contains(tag) else {
            throw YAMLError("unknown tag \(tag); CloudFormation's short forms are \(allowed.sorted().joined(separator: " "))",
                            line: line, column: column)
        }
    }

    private mutating func add(_ node: Node, anchorName: String?, line: Int, column: Int) throws {
        if let anchorName { anchors[anchorName] = node }
        guard let top = stack.last else {
            documents.append(node)
            return
        }
        guard top.isMapping else {
            top.items.append(node)
            return
        }
        if let key = top.pendingKey {
            top.entries.append(Node.Entry(key, node))
            top.pendingKey = nil
            return
        }
        guard case .scalar(let key) = node else {
            throw YAMLError("a mapping key must be a scalar", line: line, column: column)
        }
        guard top.keys.insert(key.text).inserted else {
            throw YAMLError("duplicate mapping key '\(key.text)'", line: line, column: column)
        }
        top.pendingKey = key.text
    }

    private static let coreTagPrefix = "tag:yaml.org,2002:"

    /// Core-schema tags (`!!str`, `!!map`) say what the node already is; other tags are kept.
    private static func keptTag(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        let tag = String(cString: pointer)
        return tag.hasPrefix(coreTagPrefix) || tag == "!" ? nil : tag
    }

    private static func scalar(_ text: String, tag: String?, plain: Bool) -> Scalar {
        guard let tag else {
            return Scalar(text, kind: plain ? PlainScalarResolver.kind(of: text) : .string)
        }
        switch tag {
        case coreTagPrefix + "str", "!": return Scalar(text, kind: .string)
        case coreTagPrefix + "int": return Scalar(text, kind: .int)
        case coreTagPrefix + "float": return Scalar(text, kind: .float)
        case coreTagPrefix + "bool": return Scalar(text, kind: .bool)
        case coreTagPrefix + "null": return Scalar(text, kind: .null)
        default: return Scalar(text, kind: .string, tag: tag)
        }
    }
}
