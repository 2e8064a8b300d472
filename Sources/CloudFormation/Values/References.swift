import TemplateSyntax

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
