import ChatRuntime
import Foundation

/// Request bodies read strictly: valid JSON, an object, no field the route does not know, each
/// field of the right type. Every refusal says what to change.
enum Strict {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], allowed: Set<String>) throws -> T {
        guard !bytes.isEmpty else { throw Invalid(description: "the request needs a JSON body") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { throw Invalid(description: "the body is not valid JSON") }
        guard let fields = object as? [String: Any] else { throw Invalid(description: "the body must be a JSON object") }
        let unknown = Set(fields.keys).subtracting(allowed).sorted()
        guard unknown.isEmpty else {
            throw Invalid(description: "unknown field\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); "
                + "the fields are \(allowed.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw Invalid(description: "\(path(context.codingPath + [key])) is required")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw Invalid(description: "\(path(context.codingPath)) must be \(JSONKind.name(of: expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw Invalid(description: "\(path(context.codingPath)) must be \(JSONKind.name(of: expected)), not null")
        } catch let DecodingError.dataCorrupted(context) {
            throw Invalid(description: "\(path(context.codingPath)) is not valid: \(context.debugDescription)")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
    }

}

/// Any JSON value, kept as it came (conversation metadata).
enum JSONValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
