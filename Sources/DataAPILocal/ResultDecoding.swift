import DataAPIWire
import NIOCore
import PostgresNIO

/// Converts PostgreSQL result cells (binary format) into Data API fields, with the service's type
/// mapping: integers → longValue, floats → doubleValue, numeric/text/uuid/json/dates → stringValue
/// (timestamps in UTC as `YYYY-MM-DD HH:MM:SS[.ffffff]`), bytea → blobValue, one-dimensional arrays → arrayValue.
struct ResultDecoding {
    struct Unsupported: Error { var message: String }

    let options: ResultSetOptions
    /// Names of types without a fixed OID (extensions such as pgvector), looked up per query.
    let extensionTypes: [UInt32: String]

    func field(_ bytes: ByteBuffer?, type: PostgresDataType) throws(Unsupported) -> Field {
        guard var buffer = bytes else { return .null }
        switch type {
        case .bool: return .bool(buffer.readInteger(as: UInt8.self) == 1)
        case .int2: return .long(Int64(buffer.readInteger(as: Int16.self) ?? 0))
        case .int4, .oid: return .long(Int64(buffer.readInteger(as: Int32.self) ?? 0))
        case .int8:
            let value = buffer.readInteger(as: Int64.self) ?? 0
            return options.longReturnType == .string ? .string(String(value)) : .long(value)
        case .float4: return .double(Double(Float(bitPattern: buffer.readInteger(as: UInt32.self) ?? 0)))
        case .float8: return .double(Double(bitPattern: buffer.readInteger(as: UInt64.self) ?? 0))
        case .numeric:
            let text = BinaryValues.numeric(&buffer)
            guard options.decimalReturnType == .doubleOrLong else { return .string(text) }
            if !text.contains("."), let long = Int64(text) { return .long(long) }
            return .double(Double(text) ?? .nan)
        case .text, .varchar, .bpchar, .name, .char, .json, .xml:
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        case .jsonb:
            _ = buffer.readInteger(as: UInt8.self)  // format version
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        case .uuid: return .string(BinaryValues.uuid(&buffer))
        case .bytea: return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .date: return .string(BinaryValues.date(&buffer))
        case .time: return .string(BinaryValues.time(&buffer))
        case .timestamp, .timestamptz: return .string(BinaryValues.timestamp(&buffer))
        case .void: return .null
        default:
            if let element = Self.arrayElementTypes[type.rawValue] { return .array(try array(&buffer, element: element)) }
            switch extensionTypes[type.rawValue] {
            case "vector": return .string(BinaryValues.vector(&buffer, half: false))
            case "halfvec": return .string(BinaryValues.vector(&buffer, half: true))
            case let name?: throw Unsupported(message: "The result contains the unsupported data type \(name).")
            case nil: throw Unsupported(message: "The result contains an unsupported data type (oid \(type.rawValue)).")
            }
        }
    }

    private func array(_ buffer: inout ByteBuffer, element: PostgresDataType) throws(Unsupported) -> ArrayValue {
        guard let dimensions = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil,
              buffer.readInteger(as: UInt32.self) != nil else { return .strings([]) }
        if dimensions == 0 { return Self.emptyArray(of: element) }
        guard dimensions == 1 else { throw Unsupported(message: "Multi-dimensional arrays are not supported.") }
        let count = Int(buffer.readInteger(as: Int32.self) ?? 0)
        _ = buffer.readInteger(as: Int32.self)  // lower bound
        var values: [Field] = []
        for _ in 0..<count {
            let length = buffer.readInteger(as: Int32.self) ?? -1
            // botocore cannot read a null inside a typed list, so the service cannot send one.
            guard length >= 0, let slice = buffer.readSlice(length: Int(length)) else {
                throw Unsupported(message: "Arrays with NULL elements are not supported.")
            }
            values.append(try field(slice, type: element))
        }
        switch values.first(where: { $0 != .null }) {
        case .bool?: return .bools(values.map { if case .bool(let v) = $0 { v } else { nil } })
        case .long?: return .longs(values.map { if case .long(let v) = $0 { v } else { nil } })
        case .double?: return .doubles(values.map { if case .double(let v) = $0 { v } else { nil } })
        default: return .strings(values.map { if case .string(let v) = $0 { v } else { nil } })
        }
    }

    private static func emptyArray(of element: PostgresDataType) -> ArrayValue {
        switch element {
        case .bool: .bools([])
        case .int2, .int4, .int8: .longs([])
        case .float4, .float8: .doubles([])
        default: .strings([])
        }
    }

    static let arrayElementTypes: [UInt32: PostgresDataType] = [
        1000: .bool, 1005: .int2, 1007: .int4, 1016: .int8, 1021: .float4, 1022: .float8, 1009: .text, 1015: .varchar,
        1014: .bpchar, 1231: .numeric, 2951: .uuid, 1182: .date, 1183: .time, 1115: .timestamp, 1185: .timestamptz,
        199: .json, 3807: .jsonb, 1001: .bytea, 1003: .name,
    ]
}

/// Decoders for PostgreSQL's binary representations the Data API turns into strings.
enum BinaryValues {
    /// Days and microseconds count from 2000-01-01 in PostgreSQL's binary dates and times.
    static let postgresEpochDay = 10_957

    static func uuid(_ buffer: inout ByteBuffer) -> String {
        let bytes = buffer.readBytes(length: 16) ?? []
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    static func date(_ buffer: inout ByteBuffer) -> String {
        let days = Int(buffer.readInteger(as: Int32.self) ?? 0)
        return civilDate(daysSince1970: days + postgresEpochDay)
    }

    static func time(_ buffer: inout ByteBuffer) -> String {
        clock(microseconds: Int(buffer.readInteger(as: Int64.self) ?? 0))
    }

    static func timestamp(_ buffer: inout ByteBuffer) -> String {
        let micros = Int(buffer.readInteger(as: Int64.self) ?? 0)
        if micros == Int(Int64.max) { return "infinity" }
        if micros == Int(Int64.min) { return "-infinity" }
        let perDay = 86_400_000_000
        var days = micros / perDay
        var rest = micros % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        return civilDate(daysSince1970: days + postgresEpochDay) + " " + clock(microseconds: rest)
    }

    /// `HH:MM:SS`, then `.ffffff` without trailing zeros when there is a fraction.
    static func clock(microseconds: Int) -> String {
        let seconds = microseconds / 1_000_000, fraction = microseconds % 1_000_000
        var text = pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction > 0 {
            var digits = pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// Proleptic Gregorian date of a day count (Howard Hinnant's civil_from_days).
    static func civilDate(daysSince1970: Int) -> String {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// numeric's binary form: digit count, weight, sign, display scale, then base-10000 digits.
    static func numeric(_ buffer: inout ByteBuffer) -> String {
        guard let count = buffer.readInteger(as: Int16.self), let weight = buffer.readInteger(as: Int16.self),
              let sign = buffer.readInteger(as: UInt16.self), let scale = buffer.readInteger(as: Int16.self) else { return "0" }
        if sign == 0xC000 { return "NaN" }
        if sign == 0xD000 { return "Infinity" }
        if sign == 0xF000 { return "-Infinity" }
        let digits = (0..<Int(count)).map { _ in Int(buffer.readInteger(as: Int16.self) ?? 0) }
        var integer = ""
        var fraction = ""
        for position in 0...max(Int(weight), 0) where Int(weight) >= 0 {
            let digit = position < digits.count ? digits[position] : 0
            integer += position == 0 ? String(digit) : pad(digit, 4)
        }
        if integer.isEmpty { integer = "0" }
        var position = Int(weight) + 1
        while fraction.count < Int(scale) {
            let digit = position >= 0 && position < digits.count ? digits[position] : 0
            fraction += pad(digit, 4)
            position += 1
        }
        fraction = String(fraction.prefix(Int(scale)))
        let text = fraction.isEmpty ? integer : integer + "." + fraction
        return sign == 0x4000 ? "-" + text : text
    }

    /// pgvector's binary form: dimension (int16), unused (int16), then float4 (vector) or float16 (halfvec).
    static func vector(_ buffer: inout ByteBuffer, half: Bool) -> String {
        let dimension = Int(buffer.readInteger(as: Int16.self) ?? 0)
        _ = buffer.readInteger(as: Int16.self)
        var parts: [String] = []
        parts.reserveCapacity(dimension)
        for _ in 0..<dimension {
            if half {
                parts.append(shortest(Float(Float16(bitPattern: buffer.readInteger(as: UInt16.self) ?? 0))))
            } else {
                parts.append(shortest(Float(bitPattern: buffer.readInteger(as: UInt32.self) ?? 0)))
            }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    private static func shortest(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : "\(value)"
    }
}
