/// Turns text into the vectors stored in `bot_vectors` and `conversation_vectors`.
public protocol Embedder: Sendable {
    var dimension: Int { get }
    func embed(_ text: String) async throws -> [Float]
}

extension Embedder {
    /// pgvector's text form, `[0.1,0.2,…]`, bound as a string and cast in SQL.
    public func vectorLiteral(_ text: String) async throws -> String {
        let vector = try await embed(text)
        guard vector.count == dimension else { throw ChatStoreError.wrongDimension(expected: dimension, got: vector.count) }
        return "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
    }
}

/// A deterministic embedder for development and tests: words (and a small built-in lexicon of
/// related words, so "holiday" lands near "vacation") hashed into buckets, plus character trigrams,
/// L2-normalized. Same text, same vector, on every machine; no network, no model.
public struct LocalEmbedder: Embedder {
    public let dimension: Int

    public init(dimension: Int) { self.dimension = dimension }

    /// Words that mean nearly the same thing share a concept bucket.
    static let concepts: [String: String] = {
        let groups = [
            ["travel", "trip", "vacation", "holiday", "journey", "getaway", "itinerary", "tourism", "flight", "flights"],
            ["cook", "cooking", "recipe", "recipes", "kitchen", "chef", "meal", "baking", "cuisine"],
            ["money", "finance", "budget", "tax", "taxes", "invest", "investing", "savings", "accounting"],
            ["law", "legal", "contract", "contracts", "lawyer", "attorney", "lawsuit", "compliance"],
            ["health", "medical", "doctor", "symptom", "symptoms", "medicine", "clinic", "wellness"],
            ["music", "song", "songs", "chord", "chords", "guitar", "melody", "piano"],
            ["code", "coding", "programming", "software", "developer", "swift", "debugging", "compiler"],
            ["garden", "gardening", "plant", "plants", "roses", "flowers", "soil", "botany"],
            ["history", "historical", "empire", "empires", "ancient", "war", "medieval", "archive"],
            ["fitness", "sport", "sports", "training", "workout", "exercise", "running", "gym"],
        ]
        var map: [String: String] = [:]
        for group in groups { for word in group { map[word] = "concept:" + group[0] } }
        return map
    }()

    public func embed(_ text: String) async throws -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        for word in words {
            add("word:" + word, weight: 1, to: &vector)
            if let concept = Self.concepts[word] { add(concept, weight: 2, to: &vector) }
            let padded = Array(" \(word) ")
            if padded.count >= 3 {
                for index in 0...(padded.count - 3) { add("tri:" + String(padded[index..<(index + 3)]), weight: 0.3, to: &vector) }
            }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else {
            vector[0] = 1  // the empty text still gets a valid (unit) vector
            return vector
        }
        return vector.map { $0 / norm }
    }

    private func add(_ feature: String, weight: Float, to vector: inout [Float]) {
        let hash = Self.fnv1a(feature)
        let sign: Float = hash & 1 == 0 ? 1 : -1
        vector[Int((hash >> 1) % UInt64(dimension))] += sign * weight
    }

    /// FNV-1a: stable across runs and platforms, unlike Swift's seeded `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
