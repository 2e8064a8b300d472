import Foundation
import Stacks
import Testing
import TestSupport
@testable import CloudFormation

/// `SimplePattern` must answer as Swift's Regex does (the peer, which matched every pattern before
/// it): each pattern the provider-schema rules and the stacks' parameters use, and random patterns
/// of the kind it reads, on random printable text, for a match anywhere and a whole match. The seed
/// and the failing pattern and text are printed; `SIMPLE_PATTERN_TEXTS` and `SIMPLE_PATTERN_SEED`
/// run more or replay one.
@Suite(.timeLimit(.minutes(5))) struct SimplePatternTests {
    static let texts = ProcessInfo.processInfo.environment["SIMPLE_PATTERN_TEXTS"].flatMap(Int.init) ?? 120
    static let seed = ProcessInfo.processInfo.environment["SIMPLE_PATTERN_SEED"].flatMap(UInt64.init) ?? 0x9A77_E2

    /// Every pattern synth checks values against today.
    static func usedPatterns() throws -> [String] {
        var patterns = Set<String>()
        for type in PropertyRule.resourceTypes {
            for rule in PropertyRule.rules(for: type) {
                if case .pattern(let pattern) = rule.check { patterns.insert(pattern) }
            }
        }
        for stage in chatApp.stages {
            for stack in try StageSynthesizer.synthesize(app: chatApp, stage: stage) {
                for parameter in stack.template.parameters { if let pattern = parameter.allowedPattern { patterns.insert(pattern) } }
            }
        }
        return patterns.sorted()
    }

    @Test func everyPatternInUseIsReadAndAnswersAsSwiftRegexDoes() throws {
        let patterns = try Self.usedPatterns()
        #expect(patterns.count > 20, "only \(patterns.count) patterns found")
        var random = SeededRandom(seed: Self.seed)
        // A look-ahead (`(?!system\x2e)`) is left to Swift's Regex; the rest are read here.
        let unread = patterns.filter { SimplePattern($0) == nil }
        #expect(unread.count <= 1, "left to Swift's Regex: \(unread)")
        for pattern in patterns {
            guard let simple = SimplePattern(pattern), let regex = Self.peer(pattern) else { continue }
            // Text from the pattern's own characters, so matches are common, and any printable character.
            let alphabet = Array(Set(pattern.utf8.filter { $0 >= 0x20 && $0 <= 0x7E } + Array("aZ09 -_.:/@\"'".utf8)))
            for _ in 0..<Self.texts {
                guard try Self.compare(simple, regex, pattern, Self.text(&random, alphabet, long: true)) else { break }
            }
        }
    }

    @Test func randomPatternsAnswerAsSwiftRegexDoes() throws {
        var random = SeededRandom(seed: Self.seed)
        var read = 0
        let alphabet = Array("abcABC012 -_.:/@xZ".utf8)
        for _ in 0..<(Self.texts * 3) {
            let pattern = Self.pattern(&random)
            guard let simple = SimplePattern(pattern) else { continue }
            read += 1
            guard let regex = Self.peer(pattern) else { return }
            for _ in 0..<20 {
                guard try Self.compare(simple, regex, pattern, Self.text(&random, alphabet)) else { return }
            }
        }
        #expect(read * 2 > Self.texts * 3, "only \(read) random patterns were read")
    }

    @Test func textBeyondPrintableASCIIAndOtherSyntaxAreLeftToSwiftRegex() throws {
        let simple = try #require(SimplePattern("^[a-z]+$"))
        #expect(simple.matches("é", whole: true) == nil)
        #expect(simple.matches("a\nb", whole: false) == nil)
        for pattern in ["a++", "^a(?=b)", "^a(?!b)", "(?<name>a)", "(a)\\1", "\\bword", "[a-z&&[^b]]", "[[:alpha:]]", "\\p{Lu}", "a{2,1}", "(a", "a)"] {
            #expect(SimplePattern(pattern) == nil, "\(pattern)")
        }
        #expect(CompiledPatterns.matches("^[\\p{L}]+$", "é", whole: true) == true, "Swift's Regex answers for text beyond ASCII")
        #expect(CompiledPatterns.matches("^(?!a)b+$", "bb", whole: true) == true, "Swift's Regex answers for a pattern not read here")
    }

    /// Swift's Regex for a pattern read here; none (and an issue) when it refuses one.
    static func peer(_ pattern: String) -> Regex<AnyRegexOutput>? {
        do {
            return try Regex(pattern)
        } catch {
            Issue.record("seed \(seed): /\(pattern)/ is read here, but Swift's Regex refuses it (\(error))")
            return nil
        }
    }

    /// The two answers for `text`, a match anywhere and a whole match; false, with an issue, when they differ.
    @discardableResult
    static func compare(_ simple: SimplePattern, _ regex: Regex<AnyRegexOutput>, _ pattern: String, _ text: String) throws -> Bool {
        for whole in [false, true] {
            let expected = whole ? (try regex.wholeMatch(in: text)) != nil : (try regex.firstMatch(in: text)) != nil
            let answer = simple.matches(text, whole: whole)
            if answer != expected {
                Issue.record("seed \(seed): /\(pattern)/ \(whole ? "whole match" : "match") of \(text.debugDescription): Swift's Regex says \(expected), SimplePattern \(String(describing: answer))")
                return false
            }
        }
        return true
    }

    /// Up to 13 characters; with `long`, some across the word boundaries of the positions' bits (64,
    /// 128, 192) and a few past 255, where positions are no longer bits held inline. (Long text is
    /// kept to the patterns in use: on random nested patterns Swift's Regex can backtrack for minutes.)
    static func text(_ random: inout SeededRandom, _ alphabet: [UInt8], long: Bool = false) -> String {
        let length = switch long ? random.below(16) : 2 {
        case 0: 60 + random.below(140)
        case 1: 250 + random.below(12)
        default: random.below(14)
        }
        let bytes = (0..<length).map { _ in random.below(5) == 0 ? UInt8(0x20 + random.below(95)) : random.pick(alphabet)! }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A pattern of the kind `SimplePattern` reads, groups and alternatives nested two deep.
    static func pattern(_ random: inout SeededRandom) -> String {
        let literals = ["a", "b", "Z", "0", "1", "-", "_", ".", ":", "/", "@", " ", "\\.", "\\-", "\\/", "\\x41", "\\u0062"]
        let classItems = ["a", "b-c", "A-C", "0-1", "-", "_", ".", ":", "/", "@", " ", "\\d", "\\w", "\\s", "\\S", "\\p{L}", "\\p{N}", "\\p{Z}",
                          "\\.", "\\-", "\\x22", "\\u0041-\\u0043", "0-9-_"]
        let quantifiers = ["", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?"]
        func alternatives(_ random: inout SeededRandom, depth: Int) -> String {
            (0..<(1 + random.below(2))).map { _ in
                (random.below(3) == 0 ? "^" : "")
                    + (0..<random.below(4)).map { _ in
                        let atom = atom(&random, depth: depth)
                        // A group repeated without bound sends Swift's Regex backtracking for minutes.
                        return atom + random.pick(atom.hasPrefix("(") ? ["", "?", "{2}", "{0,2}"] : quantifiers)!
                    }.joined()
                    + random.pick(["", "", "$", "\\Z"])!
            }.joined(separator: "|")
        }
        func atom(_ random: inout SeededRandom, depth: Int) -> String {
            switch random.below(depth < 2 ? 6 : 5) {
            case 5: return (random.below(2) == 0 ? "(" : "(?:") + alternatives(&random, depth: depth + 1) + ")"
            case 0: return "."
            case 1, 2:
                let items = (0..<(1 + random.below(3))).map { _ in random.pick(classItems)! }.joined()
                return "[" + (random.below(3) == 0 ? "^" : "") + items + "]"
            case 3: return random.pick(["\\d", "\\w", "\\s", "\\S", "\\p{L}"])!
            default: return random.pick(literals)!
            }
        }
        return alternatives(&random, depth: 0)
    }
}
