import DSLCore

/// The statements and catalog lines of the schemas rendered last, kept for the process.
///
/// One synth run asks for the same stage schema's statements, catalog lines and fingerprint in
/// half a dozen places (the stacks' outputs, the migration plan, `schema.sql`, the runtime
/// contract), each of which used to render it again: some 40 M instructions of `synth --all`.
enum RenderedSchemas {
    struct Rendering: Sendable {
        let statements: [String]
        let lines: [String]
        let fingerprint: String
        /// `SchemaRenderer.definitionDigest`: every stage's app stack asks for it.
        let definitionDigest: String
    }

    private static let recent = RecentResults<Schema, Rendering>()

    static func of(_ schema: Schema) -> Rendering {
        recent.result(for: schema) { schema in
            let lines = SchemaCatalog.describe(schema)
            let statements = SchemaRenderer.render(schema)
            return Rendering(statements: statements, lines: lines, fingerprint: SchemaCatalog.digest(sortedLines: lines),
                             definitionDigest: "sha256:" + SchemaRenderer.sha256Hex(statements.joined(separator: ";\n")))
        }
    }
}
