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
