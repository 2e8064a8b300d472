import Foundation
import Testing
import TestSupport
@testable import YAML

/// `BlockWriter` must write what libyaml's emitter writes, byte for byte, whenever it writes at all,
/// and write itself every document without a character libyaml escapes. libyaml is the peer: random documents (seeded; the seed and the
/// failing document are printed) and random strings in every place a scalar goes.
/// `BLOCK_WRITER_DOCUMENTS` and `BLOCK_WRITER_SEED` run more or replay one.
@Suite(.timeLimit(.minutes(3))) struct BlockWriterTests {
    static let documents = ProcessInfo.processInfo.environment["BLOCK_WRITER_DOCUMENTS"].flatMap(Int.init) ?? 3_000
    static let seed = ProcessInfo.processInfo.environment["BLOCK_WRITER_SEED"].flatMap(UInt64.init) ?? 0xB10C_5EED

    /// Compares each document BlockWriter writes with libyaml's writing of it, stopping at the first
    /// difference (`name` says which document it was); how many it wrote itself.
    static func compare(_ documents: [(name: String, document: Node)]) throws -> Int {
        var written = 0
        for (name, document) in documents {
            guard let ours = BlockWriter.write(document) else { continue }
            written += 1
            let libyaml = try Emitter.emitThroughLibyaml(document)
            guard ours == libyaml else {
                Issue.record("seed \(seed), \(name):\n\(document)\nis written\n\(ours)\nwhere libyaml writes\n\(libyaml)")
                return written
            }
        }
        return written
    }

    /// Each string alone, as a value, a key, a tagged value and a sequence item.
    @Test func everyStringIsWrittenAsLibyamlWritesIt() throws {
        var generator = StringGenerator(seed: Self.seed)
        let strings = ReferenceCases.mustQuote + ReferenceCases.staysPlain + (0..<Self.documents).map { _ in generator.string() }
        let written = try Self.compare(strings.map { text in
            (text.debugDescription, Node.mapping([
                .init("value", .string(text)),
                .init(text, .int(1)),
                .init("tagged", .string(text, tag: "!Sub")),
                .init("items", .sequence([.string(text), .sequence([.string(text)]), .mapping([.init("k", .string(text))])])),
            ]))
        })
        // The generator favours characters libyaml escapes (about half its strings hold one); the rest
        // must be written here, or the comparison proves little.
        #expect(written * 5 > strings.count * 2, "only \(written) of \(strings.count) documents were written without libyaml")
    }

    /// Random shapes: nesting, tags on collections and scalars, empty collections, numbers, literal blocks.
    @Test func randomDocumentsAreWrittenAsLibyamlWritesThem() throws {
        var random = SeededRandom(seed: Self.seed)
        var generator = StringGenerator(seed: Self.seed ^ 0x5A5A)
        let documents = (0..<Self.documents).map { index in ("document \(index)", Self.document(depth: 0, random: &random, strings: &generator)) }
        let written = try Self.compare(documents)
        #expect(written * 5 > Self.documents * 2, "only \(written) of \(Self.documents) documents were written without libyaml")
    }

    @Test func whatItDoesNotModelIsLeftToLibyaml() throws {
        let cases: [Node] = [
            .string("a root scalar"),
            .mapping([.init("Tab", .string("a\tb"))]),
            .mapping([.init(String(repeating: "k", count: 129), .int(1))]),
            .mapping([.init("Tag", .string("x", tag: "!!str"))]),
            .mapping([.init("Kept", .string("two breaks\n\n"))]),
            .mapping([.init("Indented", .string(" starts with a space\nand has two lines"))]),
            .mapping([.init("Rocket", .string("🚀"))]),
        ]
        for document in cases {
            #expect(BlockWriter.write(document) == nil, "\(document)")
            #expect(!(try Emitter.emit(document)).isEmpty)
        }
    }

    static let tags = [nil, nil, nil, "!Ref", "!Sub", "!GetAtt", "!Select", "!If"]

    static func document(depth: Int, random: inout SeededRandom, strings: inout StringGenerator) -> Node {
        let tag = tags[Int(random.next() % UInt64(tags.count))]
        let width = Int(random.next() % 4)
        switch depth == 0 ? 1 + random.next() % 2 : depth > 3 ? 0 : random.next() % 3 {
        case 0:
            switch random.next() % 6 {
            case 0: return .int(Int(random.next() % 2_000) - 1_000)
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .string("line one\nline two" + (random.next() % 2 == 0 ? "\n" : ""), tag: tag)
            default: return .string(strings.string(), tag: tag)
            }
        case 1:
            return .mapping((0..<width).map { index in
                .init(random.next() % 3 == 0 ? strings.string() : "Key\(index)", document(depth: depth + 1, random: &random, strings: &strings))
            }, tag: depth == 0 ? nil : tag)
        default:
            return .sequence((0..<width).map { _ in document(depth: depth + 1, random: &random, strings: &strings) }, tag: depth == 0 ? nil : tag)
        }
    }
}
