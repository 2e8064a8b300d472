/// A JSON value written deterministically: keys in the order given; pretty (two-space indent, a final
/// newline) for files people read, compact for payloads.
public indirect enum JSON: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }

    public func rendered() -> String {
        var out = ""
        write(to: &out, indent: 0)
        return out + "\n"
    }

    /// No whitespace at all: `[{"a":1}]`.
    public func compact() -> String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .string(let text): JSON.quote(text, into: &out)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let entries):
            out += "{"
            for (index, (key, value)) in entries.enumerated() {
                if index > 0 { out += "," }
                JSON.quote(key, into: &out)
                out += ":"
                value.writeCompact(to: &out)
            }
            out += "}"
        }
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .string(let text): JSON.quote(text, into: &out)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent + 1)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case .object(let entries):
            guard !entries.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (index, (key, value)) in entries.enumerated() {
                out += pad
                JSON.quote(key, into: &out)
                out += ": "
                value.write(to: &out, indent: indent + 1)
                out += index == entries.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        }
    }

    /// `compact()` into a byte buffer.
    func writeCompact(to out: inout [UInt8]) {
        switch self {
        case .string(let text): JSON.quote(text, into: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array, .object: out.append(contentsOf: compact().utf8)
        }
    }

    /// `quote(_:into:)` for a byte buffer; text with nothing to escape is copied whole.
    static func quote(_ text: String, into out: inout [UInt8]) {
        let needsEscaping = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        out.append(UInt8(ascii: "\""))
        if needsEscaping {
            var escaped = ""
            quote(text, into: &escaped)
            out.append(contentsOf: escaped.utf8.dropFirst().dropLast())
        } else {
            out.append(contentsOf: text.utf8)
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
