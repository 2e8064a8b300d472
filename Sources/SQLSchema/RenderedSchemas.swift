import Synchronization

/// The statements and catalog lines of the schemas rendered last, kept for the process.
///
/// One synth run asks for the same stage schema's statements, catalog lines and fingerprint in
/// half a dozen places (the stacks' outputs, the migration plan, `schema.sql`, the runtime
/// contract), each of which used to render it again: some 40 M instructions of `synth --all`.
/// A schema equal to one rendered before gets that rendering back; comparing two schemas costs
/// a fraction of rendering one. A few are kept, so a process that renders thousands (the
/// generative tests) holds no more than that.
enum RenderedSchemas {
    struct Rendering: Sendable {
        let statements: [String]
        let lines: [String]
        let fingerprint: String
        /// `SchemaRenderer.definitionDigest`: every stage's app stack asks for it.
        let definitionDigest: String
    }

    private static let capacity = 8
    private static let recent = Mutex<[(schema: Schema, rendering: Rendering)]>([])

    static func of(_ schema: Schema) -> Rendering {
        if let known = recent.withLock({ entries in entries.first { $0.schema == schema }?.rendering }) { return known }
        let lines = SchemaCatalog.describe(schema)
        let statements = SchemaRenderer.render(schema)
        let rendering = Rendering(statements: statements, lines: lines, fingerprint: SchemaCatalog.digest(sortedLines: lines),
                                  definitionDigest: "sha256:" + SchemaRenderer.sha256Hex(statements.joined(separator: ";\n")))
        recent.withLock { entries in
            entries.insert((schema, rendering), at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        return rendering
    }
}
