import TemplateSyntax

/// A use of another template entity's name inside a value: `Ref`, `GetAtt`, or a `${Name}` /
/// `${Name.Attribute}` placeholder in `Fn::Sub` (its own variables excluded).
public struct Reference: Sendable, Equatable {
    public enum Kind: Sendable { case ref, getAtt, sub }
    public var target: String
    public var attribute: String?
    public var kind: Kind
}

/// The names a value uses, found in one walk: what the template validator checks are declared.
public struct NamesUsed: Sendable {
    /// References to resources, parameters and pseudo parameters.
    public var references: [Reference] = []
    /// Conditions named by `Fn::If` and `Condition`.
    public var conditions: [String] = []
    /// Mappings named by `Fn::FindInMap`.
    public var mappings: [String] = []
}

extension Value {
    public var namesUsed: NamesUsed {
        var found = NamesUsed()
        forEach { value in
            guard case .intrinsic(let function) = value else { return }
            switch function {
            case .ref(let target): found.references.append(Reference(target: target, attribute: nil, kind: .ref))
            case .getAtt(let target, let attribute): found.references.append(Reference(target: target, attribute: attribute, kind: .getAtt))
            case .sub(let text, let variables):
                let local = Set(variables.map(\.key))
                for placeholder in SubPlaceholder.all(in: text) where !local.contains(placeholder.name) {
                    found.references.append(Reference(target: placeholder.target, attribute: placeholder.attribute, kind: .sub))
                }
            case .if(let condition, _, _), .condition(let condition): found.conditions.append(condition)
            case .findInMap(let map, _, _): found.mappings.append(map)
            default: break
            }
        }
        return found
    }
}
