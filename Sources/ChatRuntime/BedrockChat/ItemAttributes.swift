import AWSServices

/// Reading attributes of another application's DynamoDB items, where unset attributes may be
/// `{"NULL": true}` and items written by older versions may lack them: absent and NULL read the same.
enum ItemAttributes {
    /// What is wrong with an item, worded for the report that names its keys.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// A string attribute; nil when absent or NULL.
    static func text(_ item: DynamoDBClient.Item, _ name: String) throws -> String? {
        switch item[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw Problem(description: "\(name) is \(kind(other)), not a string")
        }
    }

    /// A list of strings (`L` of `S`, or `SS`); empty when absent or NULL.
    static func strings(_ item: DynamoDBClient.Item, _ name: String) throws -> [String] {
        switch item[name] {
        case nil, .null?: return []
        case let value?:
            guard let strings = value.strings else { throw Problem(description: "\(name) is \(kind(value)), not a list of strings") }
            return strings
        }
    }

    /// A whole number; nil when absent or NULL. A fraction (Python writes epoch milliseconds from
    /// floats, e.g. `1700000000000.5`) is dropped.
    static func number(_ value: AttributeValue?, _ name: String) throws -> Int64? {
        switch value {
        case nil, .null?: return nil
        case .number(let text)?:
            if let number = Int64(text) { return number }
            guard let real = Double(text), real.isFinite, abs(real) < 9e18 else { throw Problem(description: "\(name) is \(text), not a number of milliseconds") }
            return Int64(real.rounded(.down))
        case let other?: throw Problem(description: "\(name) is \(kind(other)), not a number")
        }
    }

    /// A boolean; `false` when absent or NULL.
    static func flag(_ item: DynamoDBClient.Item, _ name: String) throws -> Bool {
        switch item[name] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        case let other?: throw Problem(description: "\(name) is \(kind(other)), not a boolean")
        }
    }

    static func kind(_ value: AttributeValue) -> String {
        switch value {
        case .string: "a string"
        case .number: "a number"
        case .binary: "binary"
        case .bool: "a boolean"
        case .null: "NULL"
        case .map: "a map"
        case .list: "a list"
        case .stringSet: "a string set"
        case .numberSet: "a number set"
        case .binarySet: "a binary set"
        }
    }
}
