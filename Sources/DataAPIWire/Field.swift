import Foundation

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

/// Standard base64 (RFC 4648 with padding), as JSON carries `blobValue`; line breaks in what is read are ignored.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    public static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text.split(whereSeparator: \.isNewline).joined()).map(Array.init)
    }
}

