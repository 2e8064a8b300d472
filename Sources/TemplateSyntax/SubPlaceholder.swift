/// A `${…}` placeholder of an `Fn::Sub` string. `${!Literal}` is an escape, not a placeholder.
public struct SubPlaceholder: Sendable, Equatable {
    /// The text between the braces: `Cluster` or `Cluster.Endpoint.Address`.
    public var name: String

    /// The entity referred to: `Cluster` of `Cluster.Endpoint.Address`, or `AWS::Region`.
    public var target: String {
        guard let dot = name.utf8.firstIndex(of: UInt8(ascii: ".")) else { return name }
        return String(name[..<dot])
    }

    public var attribute: String? {
        guard let dot = name.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        return String(name[name.utf8.index(after: dot)...])
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
