import TemplateSyntax
import YAML

/// A template value as the diff compares it: scalars by their text (so `5432`, `"5432"`, `true` and
/// `'true'` are the same value, as CloudFormation reads them), intrinsics in long form whatever form
/// the file used (`!Ref X` ≡ `{"Ref": "X"}`, `!GetAtt A.B` ≡ `{"Fn::GetAtt": ["A", "B"]}`).
public indirect enum TemplateTree: Sendable, Equatable, Hashable {
    case scalar(String)
    case null
    case list([TemplateTree])
    case map([String: TemplateTree])

    public init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            let plain: TemplateTree = scalar.kind == .null && scalar.tag == nil ? .null : .scalar(scalar.text)
            self = Self.intrinsic(tag: scalar.tag, plain)
        case .sequence(let items, let tag):
            self = Self.intrinsic(tag: tag, .list(items.map(TemplateTree.init)))
        case .mapping(let entries, let tag):
            var map: [String: TemplateTree] = [:]
            for entry in entries { map[entry.key] = TemplateTree(entry.value) }
            if map.count == 1, let (key, value) = map.first, key == "Fn::GetAtt", case .scalar(let dotted) = value {
                self = Self.getAtt(dotted)
            } else {
                self = Self.intrinsic(tag: tag, .map(map))
            }
        }
    }

    private static func intrinsic(tag: String?, _ content: TemplateTree) -> TemplateTree {
        guard let tag, tag.hasPrefix("!") else { return content }
        let name = String(tag.dropFirst())
        switch name {
        case "Ref", "Condition": return .map([name: content])
        case "GetAtt":
            if case .scalar(let dotted) = content { return getAtt(dotted) }
            return .map(["Fn::GetAtt": content])
        default: return .map(["Fn::" + name: content])
        }
    }

    private static func getAtt(_ dotted: String) -> TemplateTree {
        let parts = dotted.split(separator: ".", maxSplits: 1).map { TemplateTree.scalar(String($0)) }
        return .map(["Fn::GetAtt": .list(parts)])
    }

    public subscript(key: String) -> TemplateTree? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    public var text: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// A stable one-line rendering, for messages and for matching list items by content.
    public var canonical: String {
        switch self {
        case .null: return "null"
        case .scalar(let text): return Self.quote(text)
        case .list(let items): return "[" + items.map(\.canonical).joined(separator: ",") + "]"
        case .map(let map):
            return "{" + map.keys.sorted().map { Self.quote($0) + ":" + map[$0]!.canonical }.joined(separator: ",") + "}"
        }
    }

    /// Compact display: scalars bare, intrinsics in short form.
    public var display: String {
        switch self {
        case .null: return "null"
        case .scalar(let text): return text
        case .list(let items): return "[" + items.map(\.display).joined(separator: ", ") + "]"
        case .map(let map):
            if map.count == 1, let (key, value) = map.first {
                if key == "Ref" { return "!Ref \(value.display)" }
                if key == "Fn::GetAtt", case .list(let parts) = value { return "!GetAtt " + parts.map(\.display).joined(separator: ".") }
                if key.hasPrefix("Fn::") { return "!\(key.dropFirst(4)) \(value.display)" }
            }
            return "{" + map.keys.sorted().map { "\($0): \(map[$0]!.display)" }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] } + "\""
    }

    /// Logical IDs this value refers to through Ref, GetAtt and Sub placeholders.
    public var referencedIds: Set<String> {
        var found = Set<String>()
        visit { tree in
            guard case .map(let map) = tree, map.count == 1, let (key, value) = map.first else { return }
            switch key {
            case "Ref": if let id = value.text, !id.hasPrefix("AWS::") { found.insert(id) }
            case "Fn::GetAtt": if case .list(let parts) = value, let id = parts.first?.text { found.insert(id) }
            case "Fn::Sub":
                let text: String? = value.text ?? { if case .list(let parts) = value { return parts.first?.text }; return nil }()
                for placeholder in SubPlaceholder.all(in: text ?? "") where !placeholder.target.hasPrefix("AWS::") {
                    found.insert(placeholder.target)
                }
            default: break
            }
        }
        return found
    }

    /// Calls `body` on this value and every value inside it, depth first.
    public func visit(_ body: (TemplateTree) -> Void) {
        body(self)
        switch self {
        case .list(let items): items.forEach { $0.visit(body) }
        case .map(let map): map.values.forEach { $0.visit(body) }
        default: break
        }
    }

}
