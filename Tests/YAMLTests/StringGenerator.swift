import TestSupport

/// Deterministic random strings built from the fragments that trip YAML writers and readers up:
/// type-looking tokens, indicators, spaces at the edges, line breaks, tabs, control characters,
/// Vietnamese and emoji. `SeededRandom` keeps every run (and every failure) reproducible.
struct StringGenerator {
    private var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    static let fragments: [String] = [
        "yes", "No", "ON", "off", "true", "False", "null", "~", "y", "n", "<<", "=",
        "0", "1", "7", "9", "08", "0755", "0x1F", "0b101", "0o17", "1_000", "+", "-", ".", "e", "E", "_",
        ":", "12:30", "16.10", "1.0e+3", "1e3", ".inf", ".nan", "2024-01-01", "T10:00:00Z",
        "#", " #", ": ", "- ", "? ", "[", "]", "{", "}", ",", "*", "&", "!", "|", ">", "'", "\"", "%", "@", "`",
        " ", "  ", "\t", "\n", "\r\n", "\\", "/", "a", "key", "Ref", "AWS::Region", "${Cluster}",
        "ệ", "Tiếng Việt", "🚀", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{7}", "\u{0}", "\u{1B}", "\u{A0}", "\u{FFFD}",
    ]

    mutating func next() -> UInt64 { random.next() }

    mutating func string() -> String {
        let count = Int(next() % 6)
        var text = ""
        for _ in 0..<count {
            if next() % 4 == 0 {
                // Any Unicode scalar, surrogates excluded (Swift strings cannot hold them).
                let value = UInt32(next() % 0x11_0000)
                text.unicodeScalars.append(Unicode.Scalar(value) ?? "x")
            } else {
                text += Self.fragments[Int(next() % UInt64(Self.fragments.count))]
            }
        }
        return text
    }
}
