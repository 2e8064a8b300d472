@testable import CloudFormation
import Foundation
import Testing

/// The README and the pages under docs/ say only what is true today: every Swift block marked
/// `<!-- compiles: func snippet(…) -->` type-checks against the modules this test target was built
/// with, inside that function (whose parameters are what the snippet is given); every page is
/// linked from the README and every link leads somewhere; the README's contents list its chapters;
/// and the figures its first screen quotes are counted again.
@Suite(.timeLimit(.minutes(5))) struct DocumentationTests {
    struct Snippet {
        var page: String
        var line: Int
        var signature: String
        var body: String
    }

    static let repository = TypeErrorTests.repository

    /// README.md, then docs/*.md, as paths relative to the repository.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: repository + "/docs").filter { $0.hasSuffix(".md") }.sorted()
        return ["README.md"] + docs.map { "docs/" + $0 }
    }

    static func text(_ page: String) throws -> String { try String(contentsOfFile: repository + "/" + page, encoding: .utf8) }

    static func snippets() throws -> [Snippet] {
        var snippets: [Snippet] = []
        for page in try pages() {
            let lines = try text(page).components(separatedBy: "\n")
            var index = 0
            while index < lines.count {
                let line = lines[index]
                if line.hasPrefix("<!-- compiles: "), line.hasSuffix(" -->") {
                    let signature = String(line.dropFirst("<!-- compiles: ".count).dropLast(" -->".count))
                    #expect(lines[index + 1] == "```swift", "\(page):\(index + 1): a compiles marker must come right before a ```swift block")
                    var end = index + 2
                    while end < lines.count, lines[end] != "```" { end += 1 }
                    snippets.append(Snippet(page: page, line: index + 2, signature: signature, body: lines[(index + 2)..<end].joined(separator: "\n")))
                    index = end
                }
                index += 1
            }
        }
        return snippets
    }

    /// The anchor GitHub gives a heading.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }.map { $0 == " " ? "-" : $0 })
    }

    /// The README's contents list every chapter (`## ` heading), in order, with the anchor GitHub gives it.
    @Test func theContentsListEveryChapter() throws {
        let lines = try Self.text("README.md").components(separatedBy: "\n")
        let chapters = lines.filter { $0.hasPrefix("## ") && $0 != "## Contents" }.map { String($0.dropFirst(3)) }
        let start = try #require(lines.firstIndex(of: "## Contents"), "the README has no ## Contents")
        let listed = lines[(start + 1)...].drop { $0.isEmpty }.prefix { $0.hasPrefix("- [") }
        let wanted = chapters.map { "- [\($0)](#\(Self.anchor($0)))" }
        #expect(Array(listed) == wanted, "README.md's contents should read:\n\(wanted.joined(separator: "\n"))")
        #expect(FileManager.default.fileExists(atPath: Self.repository + "/LICENSE"))
    }

    /// Every page under docs/ is linked from the README, and every relative link of every page leads
    /// to a file that exists and, with a `#fragment`, to one of its headings.
    @Test func everyPageIsLinkedAndEveryLinkLeadsSomewhere() throws {
        let pages = try Self.pages()
        let readme = try Self.text("README.md")
        for page in pages.dropFirst() { #expect(readme.contains("](\(page))"), "README.md does not link \(page)") }
        let link = /\]\(([^)\s]+)\)/
        for page in pages {
            let text = try Self.text(page)
            let folder = (page as NSString).deletingLastPathComponent
            for match in text.matches(of: link) {
                let target = String(match.1)
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let file = parts[0].isEmpty ? page : (folder.isEmpty ? parts[0] : folder + "/" + parts[0])
                let normalized = (file as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: Self.repository + "/" + normalized), "\(page): the link \(target) leads nowhere")
                if parts.count == 2, normalized.hasSuffix(".md"), let linked = try? Self.text(normalized) {
                    let anchors = linked.components(separatedBy: "\n").filter { $0.hasPrefix("#") }
                        .map { Self.anchor(String($0.drop { $0 == "#" }.dropFirst())) }
                    #expect(anchors.contains(parts[1]), "\(page): the link \(target) names no heading of \(normalized)")
                }
            }
        }
    }

    @Test func everyMarkedSwiftBlockCompiles() throws {
        let snippets = try Self.snippets()
        #expect(snippets.count >= 2, "the documentation's Swift blocks lost their compiles markers")
        let swiftBlocks = try Self.pages().map { try Self.text($0).components(separatedBy: "\n```swift\n").count - 1 }.reduce(0, +)
        #expect(snippets.count == swiftBlocks, "every Swift block of the documentation is marked <!-- compiles: func snippet(…) -->")
        for snippet in snippets {
            let result = try TypeErrorTests().typecheck("\(snippet.signature) {\n\(snippet.body)\n}")
            #expect(result.ok, "\(snippet.page):\(snippet.line): \(result.errors)")
        }
    }

    /// The counts the README's first screen quotes: the provider-schema rules and the resource types
    /// they cover, and the committed migrations the offline replay proves.
    @Test func theFiguresOfTheFirstScreenAreCounted() throws {
        let readme = try Self.text("README.md")
        let rules = PropertyRule.byResourceType.values.map(\.count).reduce(0, +)
        let types = PropertyRule.byResourceType.count
        #expect(readme.contains("\(rules) rules over \(types) resource types"), "README.md should say \(rules) rules over \(types) resource types")
        let migrations = try ["dev", "staging", "prod"].map { stage in
            try FileManager.default.contentsOfDirectory(atPath: "\(Self.repository)/out/\(stage)/migrations").filter { $0.hasSuffix(".sql") }.count
        }.reduce(0, +)
        #expect(readme.contains("all \(migrations) committed migrations"), "README.md should say all \(migrations) committed migrations")
    }
}
