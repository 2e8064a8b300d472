/// The Data API's `Field` union: exactly one of its members is set on the wire
/// (`{"stringValue": "x"}`, `{"isNull": true}`, …).
public indirect enum Field: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case long(Int64)
    case double(Double)
    case string(String)
    /// Raw bytes; base64 on the wire.
    case blob([UInt8])
    case array(ArrayValue)

    enum CodingKeys: String, CodingKey {
        case isNull, booleanValue, longValue, doubleValue, stringValue, blobValue, arrayValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let present = container.allKeys
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "a Field sets exactly one of isNull, booleanValue, longValue, doubleValue, stringValue, blobValue, arrayValue (got \(present.map(\.stringValue)))"))
        }
        switch key {
        case .isNull: self = .null
        case .booleanValue: self = .bool(try container.decode(Bool.self, forKey: key))
        case .longValue: self = .long(try container.decode(Int64.self, forKey: key))
        case .doubleValue: self = .double(try container.decode(Double.self, forKey: key))
        case .stringValue: self = .string(try container.decode(String.self, forKey: key))
        case .blobValue:
            let text = try container.decode(String.self, forKey: key)
            guard let bytes = Base64.decode(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "blobValue is not base64")
            }
            self = .blob(bytes)
        case .arrayValue: self = .array(try container.decode(ArrayValue.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .null: try container.encode(true, forKey: .isNull)
        case .bool(let value): try container.encode(value, forKey: .booleanValue)
        case .long(let value): try container.encode(value, forKey: .longValue)
        case .double(let value): try container.encode(value, forKey: .doubleValue)
        case .string(let value): try container.encode(value, forKey: .stringValue)
        case .blob(let bytes): try container.encode(Base64.encode(bytes), forKey: .blobValue)
        case .array(let value): try container.encode(value, forKey: .arrayValue)
        }
    }
}

/// The Data API's `ArrayValue` union: a typed list, or a list of arrays.
public indirect enum ArrayValue: Sendable, Equatable, Codable {
    case bools([Bool?])
    case longs([Int64?])
    case doubles([Double?])
    case strings([String?])
    case arrays([ArrayValue])

    enum CodingKeys: String, CodingKey {
        case booleanValues, longValues, doubleValues, stringValues, arrayValues
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an ArrayValue sets exactly one member"))
        }
        switch key {
        case .booleanValues: self = .bools(try container.decode([Bool?].self, forKey: key))
        case .longValues: self = .longs(try container.decode([Int64?].self, forKey: key))
        case .doubleValues: self = .doubles(try container.decode([Double?].self, forKey: key))
        case .stringValues: self = .strings(try container.decode([String?].self, forKey: key))
        case .arrayValues: self = .arrays(try container.decode([ArrayValue].self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bools(let values): try container.encode(values, forKey: .booleanValues)
        case .longs(let values): try container.encode(values, forKey: .longValues)
        case .doubles(let values): try container.encode(values, forKey: .doubleValues)
        case .strings(let values): try container.encode(values, forKey: .stringValues)
        case .arrays(let values): try container.encode(values, forKey: .arrayValues)
        }
    }
}

/// Standard base64 (RFC 4648 with padding), as JSON carries `blobValue`.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c + 4)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): padding += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            default: return nil
            }
            if padding > 0 && c != UInt8(ascii: "=") { return nil }
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < values.count {
            let v0 = values[index], v1 = values[index + 1]
            bytes.append(v0 << 2 | v1 >> 4)
            if index + 2 < values.count { bytes.append((v1 & 0x0F) << 4 | values[index + 2] >> 2) }
            if index + 3 < values.count { bytes.append((values[index + 2] & 0x03) << 6 | values[index + 3]) }
            index += 4
        }
        return bytes
    }
}
