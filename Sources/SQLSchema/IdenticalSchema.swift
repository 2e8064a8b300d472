/// A schema compared in full, for keeping results that read all of it.
///
/// `Schema`'s `==` compares what the database sees: a column's previous name, its type change and
/// where it was declared do not count (`Column.==`). The snapshot synth commits and the validator's
/// problems read those too, so a result kept for one schema is handed to another only when this
/// says they are the same in every field.
public struct IdenticalSchema: Equatable, Sendable {
    public let schema: Schema

    public init(_ schema: Schema) { self.schema = schema }

    public static func == (a: IdenticalSchema, b: IdenticalSchema) -> Bool {
        a.schema == b.schema && a.schema.tables.elementsEqual(b.schema.tables) { first, second in
            first.columns.elementsEqual(second.columns) { $0.previousName == $1.previousName && $0.typeChange == $1.typeChange && $0.location == $1.location }
        }
    }
}
