import ChatRuntime
import Foundation
import HTTPAPIContract

/// The routes as the OpenAPI document declares them (`ChatContract.openAPIDocument`, which synth
/// writes from `stacks/ChatRoutes.swift`), read once: every request is matched to its operation and
/// checked against its declared path and query parameters and body before the handler sees it, so
/// what the document allows and what the function accepts cannot drift apart. What breaks the
/// document is refused with a message naming the field and the rule.
struct RequestContract: Sendable {
    struct Operation: Sendable {
        var operationId: String
        var method: String
        var segments: [String]
        var parameters: [(name: String, location: String, required: Bool, schema: JSONValue)]
        var body: JSONValue?
    }

    let operations: [Operation]
    let schemas: [String: JSONValue]

    static let chat = RequestContract(document: ChatContract.openAPIDocument)

    init(document: String) {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(document.utf8)),
              case .object(let paths)? = root["paths"] else {
            preconditionFailure("the contract's OpenAPI document is not one synth wrote")
        }
        if case .object(let components)? = root["components"], case .object(let schemas)? = components["schemas"] {
            self.schemas = schemas
        } else {
            schemas = [:]
        }
        var operations: [Operation] = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for (method, operation) in methods {
                guard case .object(let fields) = operation else { continue }
                var parameters: [(String, String, Bool, JSONValue)] = []
                if case .array(let declared)? = fields["parameters"] {
                    for case .object(let parameter) in declared {
                        guard case .string(let name)? = parameter["name"], case .string(let location)? = parameter["in"] else { continue }
                        let required = if case .bool(true)? = parameter["required"] { true } else { false }
                        parameters.append((name, location, required, parameter["schema"] ?? .object([:])))
                    }
                }
                var body: JSONValue?
                if case .object(let request)? = fields["requestBody"], case .object(let content)? = request["content"],
                   case .object(let json)? = content["application/json"] {
                    body = json["schema"]
                }
                guard case .string(let operationId)? = fields["operationId"] else { continue }
                operations.append(Operation(operationId: operationId, method: method.uppercased(), segments: path.split(separator: "/").map(String.init),
                                            parameters: parameters, body: body))
            }
        }
        // A literal segment wins over a parameter (`/bots/search` before `/bots/{id}`): fewest parameters first.
        self.operations = operations.sorted { $0.segments.filter { $0.hasPrefix("{") }.count < $1.segments.filter { $0.hasPrefix("{") }.count }
    }

    /// The operation the request is for: its method, and its path with `{name}` matching a segment;
    /// a literal segment wins over a parameter (`/bots/search` before `/bots/{id}`).
    func operation(method: String, path: String) -> (Operation, [String: String])? {
        let segments = path.split(separator: "/").map(String.init)
        func matches(_ operation: Operation) -> [String: String]? {
            guard operation.method == method, operation.segments.count == segments.count else { return nil }
            var values: [String: String] = [:]
            for (declared, given) in zip(operation.segments, segments) {
                if declared.hasPrefix("{"), declared.hasSuffix("}") { values[String(declared.dropFirst().dropLast())] = given.removingPercentEncoding ?? given }
                else if declared != given { return nil }
            }
            return values
        }
        for operation in operations { if let values = matches(operation) { return (operation, values) } }
        return nil
    }

    /// A request matched to its operation: its id, the path's values by name, and what in the request
    /// breaks the document (nil when nothing does). Nil when no operation has its method and path.
    func matched(method: String, path: String, query: [String: String], body: [UInt8]) -> (operationId: String, path: [String: String], problem: String?)? {
        guard let (operation, values) = operation(method: method, path: path) else { return nil }
        return (operation.operationId, values, problem(operation, path: values, query: query, body: body))
    }

    func problem(_ operation: Operation, path pathValues: [String: String], query: [String: String], body: [UInt8]) -> String? {
        for parameter in operation.parameters {
            let given = parameter.location == "path" ? pathValues[parameter.name] : query[parameter.name]
            guard let given else {
                if parameter.required { return "\(parameter.name) is required" }
                continue
            }
            let value: JSONValue
            if case .object(let schema) = parameter.schema, case .string("integer")? = schema["type"] {
                guard let number = Int(given) else { return "\(parameter.name) must be a whole number (got \(given.prefix(40)))" }
                value = .number(Double(number))
            } else {
                value = .string(given)
            }
            if let problem = check(value, against: parameter.schema, at: parameter.name) { return problem }
        }
        guard let schema = operation.body else { return nil }
        guard !body.isEmpty else { return "the body is required: a JSON object" }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else { return "the body is not JSON" }
        return check(value, against: schema, at: "body")
    }

    /// Whether `text` follows one of the patterns the routes use (`JSONSchema.Pattern`); any other
    /// one goes to Swift's Regex.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        switch pattern {
        case JSONSchema.Pattern.noControlCharacters: !text.unicodeScalars.contains { $0.value < 0x20 }
        case JSONSchema.Pattern.noNUL: !text.unicodeScalars.contains { $0.value == 0 }
        case JSONSchema.Pattern.searchable: !text.unicodeScalars.contains { $0.value == 0 } && text.unicodeScalars.contains { !$0.properties.isWhitespace }
        default: (try? Regex(pattern)).map { (try? $0.firstMatch(in: text)) != nil } ?? true
        }
    }

    /// The JSON Schema subset `JSONSchema` writes: types, lengths, ranges, enums, UUIDs, patterns,
    /// item counts, required and unknown properties, references and `oneOf`.
    func check(_ value: JSONValue, against schema: JSONValue, at path: String) -> String? {
        guard case .object(let rules) = schema else { return nil }
        if case .string(let reference)? = rules["$ref"] {
            return schemas[String(reference.split(separator: "/").last ?? "")].flatMap { check(value, against: $0, at: path) }
        }
        if case .array(let options)? = rules["oneOf"] {
            let fitting = options.filter { check(value, against: $0, at: path) == nil }.count
            return fitting == 1 ? nil : "\(path) fits \(fitting) of the shapes it may take, not one"
        }
        func bound(_ key: String) -> Double? { if case .number(let number)? = rules[key] { number } else { nil } }
        guard case .string(let type)? = rules["type"] else { return nil }
        switch (type, value) {
        case ("string", .string(let text)):
            let length = text.unicodeScalars.count
            if let minimum = bound("minLength"), Double(length) < minimum { return "\(path) must have at least \(Int(minimum)) characters" }
            if let maximum = bound("maxLength"), Double(length) > maximum { return "\(path) must have at most \(Int(maximum)) characters" }
            if case .array(let allowed)? = rules["enum"], !allowed.contains(.string(text)) {
                return "\(path) must be one of \(allowed.compactMap { if case .string(let name) = $0 { name } else { nil } }.joined(separator: ", "))"
            }
            if case .string("uuid")? = rules["format"], UUID(uuidString: text) == nil { return "\(path) must be a UUID" }
            if case .string(let pattern)? = rules["pattern"], !Self.matches(text, pattern) {
                return pattern == JSONSchema.Pattern.searchable ? "\(path) needs something to search for besides white space, and no NUL"
                    : "\(path) holds a character it may not (\(pattern == JSONSchema.Pattern.noControlCharacters ? "a control character" : "NUL"))"
            }
            return nil
        case ("integer", .number(let number)):
            guard number == number.rounded() else { return "\(path) must be a whole number" }
            if let minimum = bound("minimum"), number < minimum { return "\(path) must be at least \(Int(minimum))" }
            if let maximum = bound("maximum"), number > maximum { return "\(path) must be at most \(Int(maximum))" }
            return nil
        case ("number", .number), ("boolean", .bool), ("null", .null):
            return nil
        case ("array", .array(let items)):
            if let minimum = bound("minItems"), Double(items.count) < minimum { return "\(path) needs at least \(Int(minimum)) item\(minimum == 1 ? "" : "s")" }
            if let maximum = bound("maxItems"), Double(items.count) > maximum { return "\(path) may have at most \(Int(maximum)) items" }
            guard let itemSchema = rules["items"] else { return nil }
            for (index, item) in items.enumerated() {
                if let problem = check(item, against: itemSchema, at: "\(path)[\(index)]") { return problem }
            }
            return nil
        case ("object", .object(let fields)):
            let properties = if case .object(let declared)? = rules["properties"] { declared } else { [String: JSONValue]() }
            if case .array(let required)? = rules["required"] {
                for case .string(let name) in required where fields[name] == nil { return "\(path).\(name) is required" }
            }
            if case .bool(false)? = rules["additionalProperties"], let unknown = fields.keys.sorted().first(where: { properties[$0] == nil }) {
                return "\(path).\(unknown) is not a field it takes (it takes \(properties.keys.sorted().joined(separator: ", ")))"
            }
            for name in fields.keys.sorted() {
                if let keys = rules["propertyNames"], let problem = check(.string(name), against: keys, at: "a key of \(path)") { return problem }
                guard let field = fields[name], let fieldSchema = properties[name] ?? (rules["additionalProperties"].flatMap { if case .object = $0 { $0 } else { nil } }) else { continue }
                if let problem = check(field, against: fieldSchema, at: "\(path).\(name)") { return problem }
            }
            return nil
        default:
            return "\(path) must be \(type == "integer" ? "a whole number" : type == "object" ? "an object" : type == "array" ? "a list" : "a \(type)")"
        }
    }
}
