/// A use of another template entity's name inside a value: `Ref`, `GetAtt`, or a `${Name}` /
/// `${Name.Attribute}` placeholder in `Fn::Sub` (its own variables excluded).
public struct Reference: Sendable, Equatable {
    public enum Kind: Sendable { case ref, getAtt, sub }
    public var target: String
    public var attribute: String?
    public var kind: Kind
}

extension Value {
    /// Every reference to a resource, parameter or pseudo parameter in this value.
    public var references: [Reference] {
        var found: [Reference] = []
        forEach { value in
            guard case .intrinsic(let function) = value else { return }
            switch function {
            case .ref(let target): found.append(Reference(target: target, attribute: nil, kind: .ref))
            case .getAtt(let target, let attribute): found.append(Reference(target: target, attribute: attribute, kind: .getAtt))
            case .sub(let text, let variables):
                let local = Set(variables.map(\.key))
                for placeholder in SubPlaceholder.all(in: text) where !local.contains(placeholder.name) {
                    found.append(Reference(target: placeholder.target, attribute: placeholder.attribute, kind: .sub))
                }
            default: break
            }
        }
        return found
    }

    /// Every condition name used by `Fn::If` and `Condition` in this value.
    public var conditionNames: [String] {
        var found: [String] = []
        forEach { value in
            switch value {
            case .intrinsic(.if(let condition, _, _)), .intrinsic(.condition(let condition)): found.append(condition)
            default: break
            }
        }
        return found
    }

    public var mappingNames: [String] {
        var found: [String] = []
        forEach { value in
            if case .intrinsic(.findInMap(let map, _, _)) = value { found.append(map) }
        }
        return found
    }
}

/// A `${…}` placeholder of an `Fn::Sub` string. `${!Literal}` is an escape, not a placeholder.
public struct SubPlaceholder: Sendable, Equatable {
    /// The text between the braces: `Cluster` or `Cluster.Endpoint.Address`.
    public var name: String

    /// The entity referred to: `Cluster` of `Cluster.Endpoint.Address`, or `AWS::Region`.
    public var target: String { name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name }
    public var attribute: String? {
        let parts = name.split(separator: ".", maxSplits: 1)
        return parts.count == 2 ? String(parts[1]) : nil
    }

    public static func all(in text: String) -> [SubPlaceholder] {
        var found: [SubPlaceholder] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            guard let end = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) else { break }
            let inner = bytes[(index + 2)..<end]
            if inner.first != UInt8(ascii: "!") { found.append(SubPlaceholder(name: String(decoding: inner, as: UTF8.self))) }
            index = end + 1
        }
        return found
    }
}
