import DataAPIWire
import NIOCore
import PostgresNIO

/// Turns Data API parameters into PostgreSQL bind values the way the service does. A plain
/// `stringValue` is `varchar` (so a uuid column needs the UUID hint or a cast, as on AWS); a typeHint
/// sends the string as text and casts the placeholder to the hinted type (`$1::uuid`).
enum ParameterBinding {
    struct Failure: Error { var message: String }

    struct Bound {
        var data: PostgresData
        /// The SQL type a typeHint casts the placeholder to.
        var cast: String?
    }

    static func bindings(for names: [String], from parameters: [SqlParameter]) throws(Failure) -> [String: Bound] {
        var byName: [String: SqlParameter] = [:]
        for parameter in parameters {
            guard let name = parameter.name, !name.isEmpty else { throw Failure(message: "Parameter name must not be empty") }
            byName[name] = parameter
        }
        var bound: [String: Bound] = [:]
        for name in names {
            guard let parameter = byName[name] else { throw Failure(message: "No value specified for parameter: \(name)") }
            bound[name] = try bind(parameter.value ?? .null, hint: parameter.typeHint, name: name)
        }
        return bound
    }

    /// Values in PostgreSQL's binary format, which is what the driver sends.
    static func bind(_ field: Field, hint: TypeHint?, name: String) throws(Failure) -> Bound {
        var buffer = ByteBuffer()
        switch field {
        case .null:
            return Bound(data: PostgresData(type: .null, value: nil))
        case .bool(let value):
            buffer.writeInteger(UInt8(value ? 1 : 0))
            return Bound(data: PostgresData(type: .bool, value: buffer))
        case .long(let value):
            buffer.writeInteger(value)
            return Bound(data: PostgresData(type: .int8, value: buffer))
        case .double(let value):
            buffer.writeInteger(value.bitPattern)
            return Bound(data: PostgresData(type: .float8, value: buffer))
        case .blob(let bytes):
            buffer.writeBytes(bytes)
            return Bound(data: PostgresData(type: .bytea, value: buffer))
        case .array:
            throw Failure(message: "Array parameters are not supported (parameter \(name))")
        case .string(let value):
            buffer.writeString(value)
            guard let hint else { return Bound(data: PostgresData(type: .varchar, value: buffer)) }
            return Bound(data: PostgresData(type: .text, value: buffer), cast: castType[hint])
        }
    }

    static let castType: [TypeHint: String] = [
        .uuid: "uuid", .date: "date", .time: "time", .timestamp: "timestamp", .decimal: "numeric", .json: "jsonb",
    ]
}
