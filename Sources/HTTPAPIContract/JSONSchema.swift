import JSONText

/// As much of JSON Schema (2020-12, the dialect of OpenAPI 3.1) as the chat API's shapes need:
/// what a request may hold and what a response holds, declared once beside the route.
public indirect enum JSONSchema: Sendable, Equatable {
    case string(format: String? = nil, pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, values: [String]? = nil)
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case number
    case boolean
    case array(JSONSchema, minItems: Int? = nil, maxItems: Int? = nil)
    /// An object with these properties; `open` lets others through (metadata), else none may be added.
    case object([Property], open: Bool = false)
    /// An object whose keys follow `keys` and whose values all follow `values`.
    case map(keys: JSONSchema, values: JSONSchema)
    /// `null`.
    case null
    /// A schema of `components/schemas`, by name.
    case reference(String)
    /// The schema, or `null`.
    case nullable(JSONSchema)
    /// Exactly one of these.
    case oneOf([JSONSchema])

    public struct Property: Sendable, Equatable {
        public var name: String
        public var schema: JSONSchema
        public var required: Bool

        public init(_ name: String, _ schema: JSONSchema, required: Bool = true) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    public static let uuid = JSONSchema.string(format: "uuid")

    /// The string patterns the chat API's routes use, named once for the document and for the
    /// runtime, which checks these three without a regex engine (`RequestContract`).
    public enum Pattern {
        /// No control character: ids and names.
        public static let noControlCharacters = "^[^\\x00-\\x1f]*$"
        /// No NUL, which PostgreSQL's text and jsonb cannot hold.
        public static let noNUL = "^[^\\x00]*$"
        /// No NUL, and something besides white space: search text.
        public static let searchable = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"
    }

    public var json: JSON {
        switch self {
        case .string(let format, let pattern, let minLength, let maxLength, let values):
            var fields: [(String, JSON)] = [("type", .string("string"))]
            if let format { fields.append(("format", .string(format))) }
            if let pattern { fields.append(("pattern", .string(pattern))) }
            if let minLength { fields.append(("minLength", .number(String(minLength)))) }
            if let maxLength { fields.append(("maxLength", .number(String(maxLength)))) }
            if let values { fields.append(("enum", .array(values.map(JSON.string)))) }
            return .object(fields)
        case .integer(let minimum, let maximum):
            var fields: [(String, JSON)] = [("type", .string("integer"))]
            if let minimum { fields.append(("minimum", .number(String(minimum)))) }
            if let maximum { fields.append(("maximum", .number(String(maximum)))) }
            return .object(fields)
        case .number: return .object([("type", .string("number"))])
        case .boolean: return .object([("type", .string("boolean"))])
        case .array(let items, let minItems, let maxItems):
            var fields: [(String, JSON)] = [("type", .string("array")), ("items", items.json)]
            if let minItems { fields.append(("minItems", .number(String(minItems)))) }
            if let maxItems { fields.append(("maxItems", .number(String(maxItems)))) }
            return .object(fields)
        case .object(let properties, let open):
            var fields: [(String, JSON)] = [("type", .string("object"))]
            if !properties.isEmpty { fields.append(("properties", .object(properties.map { ($0.name, $0.schema.json) }))) }
            let required = properties.filter(\.required).map(\.name)
            if !required.isEmpty { fields.append(("required", .array(required.map(JSON.string)))) }
            if !open { fields.append(("additionalProperties", .bool(false))) }
            return .object(fields)
        case .map(let keys, let values):
            return .object([("type", .string("object")), ("propertyNames", keys.json), ("additionalProperties", values.json)])
        case .null: return .object([("type", .string("null"))])
        case .reference(let name): return .object([("$ref", .string("#/components/schemas/\(name)"))])
        case .nullable(let schema): return .object([("oneOf", .array([schema.json, .object([("type", .string("null"))])]))])
        case .oneOf(let schemas): return .object([("oneOf", .array(schemas.map(\.json)))])
        }
    }
}
