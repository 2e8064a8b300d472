import JSONText

/// The OpenAPI 3.1 document of a set of routes: paths in the order declared, the named schemas, and
/// the JWT bearer scheme on every authorized operation.
public enum OpenAPIDocument {
    public static func json(title: String, version: String, description: String, routes: [APIRoute],
                            schemas: [(name: String, schema: JSONSchema)]) -> JSON {
        var paths: [(String, [(String, JSON)])] = []
        for route in routes {
            let operation = self.operation(route)
            if let index = paths.firstIndex(where: { $0.0 == route.path }) {
                paths[index].1.append((route.method.rawValue.lowercased(), operation))
            } else {
                paths.append((route.path, [(route.method.rawValue.lowercased(), operation)]))
            }
        }
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string(title)), ("version", .string(version)), ("description", .string(description))])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("schemas", .object(schemas.map { ($0.name, $0.schema.json) })),
                ("securitySchemes", .object([("jwt", .object([("type", .string("http")), ("scheme", .string("bearer")), ("bearerFormat", .string("JWT"))]))])),
            ])),
        ])
    }

    static func operation(_ route: APIRoute) -> JSON {
        var fields: [(String, JSON)] = [("operationId", .string(route.operationId)), ("summary", .string(route.summary))]
        let parameters = route.pathParameters.map { parameter($0, in: "path") } + route.query.map { parameter($0, in: "query") }
        if !parameters.isEmpty { fields.append(("parameters", .array(parameters))) }
        if let body = route.body {
            fields.append(("requestBody", .object([("required", .bool(true)), ("content", .object([("application/json", .object([("schema", body.json)]))]))])))
        }
        fields.append(("responses", .object(route.responses.map { response in
            var answer: [(String, JSON)] = [("description", .string(response.description))]
            if let body = response.body { answer.append(("content", .object([("application/json", .object([("schema", body.json)]))]))) }
            if !response.links.isEmpty {
                answer.append(("links", .object(response.links.map { link in
                    (link.operationId, .object([("operationId", .string(link.operationId)),
                                                ("parameters", .object(link.parameters.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))]))
                })))
            }
            return (String(response.status), .object(answer))
        })))
        if route.authorized { fields.append(("security", .array([.object([("jwt", .array([]))])]))) }
        return .object(fields)
    }

    static func parameter(_ parameter: APIRoute.Parameter, in place: String) -> JSON {
        .object([("name", .string(parameter.name)), ("in", .string(place)), ("required", .bool(place == "path" || parameter.required)),
                 ("description", .string(parameter.description)), ("schema", parameter.schema.json)])
    }
}
