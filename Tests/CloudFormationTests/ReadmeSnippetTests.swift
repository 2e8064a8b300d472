import Foundation
import Testing

/// Every Swift block of the README marked `<!-- compiles: func snippet(…) -->` is type-checked
/// against the modules this test target was built with, inside that function (whose parameters are
/// what the snippet is given), so the README cannot show code that no longer compiles.
@Suite(.timeLimit(.minutes(5))) struct ReadmeSnippetTests {
    struct Snippet {
        var line: Int
        var signature: String
        var body: String
    }

    static func snippets() throws -> [Snippet] {
        let readme = try String(contentsOfFile: TypeErrorTests.repository + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        var snippets: [Snippet] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("<!-- compiles: "), line.hasSuffix(" -->") {
                let signature = String(line.dropFirst("<!-- compiles: ".count).dropLast(" -->".count))
                #expect(lines[index + 1] == "```swift", "README.md:\(index + 1): a compiles marker must come right before a ```swift block")
                var end = index + 2
                while end < lines.count, lines[end] != "```" { end += 1 }
                snippets.append(Snippet(line: index + 2, signature: signature, body: lines[(index + 2)..<end].joined(separator: "\n")))
                index = end
            }
            index += 1
        }
        return snippets
    }

    /// The README's contents list every chapter (`## ` heading), in order, with the anchor GitHub gives it.
    @Test func theContentsListEveryChapter() throws {
        let readme = try String(contentsOfFile: TypeErrorTests.repository + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let chapters = lines.filter { $0.hasPrefix("## ") && $0 != "## Contents" }.map { String($0.dropFirst(3)) }
        func anchor(_ heading: String) -> String {
            String(heading.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }.map { $0 == " " ? "-" : $0 })
        }
        let start = try #require(lines.firstIndex(of: "## Contents"), "the README has no ## Contents")
        let listed = lines[(start + 1)...].drop { $0.isEmpty }.prefix { $0.hasPrefix("- [") }
        let wanted = chapters.map { "- [\($0)](#\(anchor($0)))" }
        #expect(Array(listed) == wanted, "README.md's contents should read:\n\(wanted.joined(separator: "\n"))")
        #expect(FileManager.default.fileExists(atPath: TypeErrorTests.repository + "/LICENSE"))
    }

    @Test func everyMarkedSwiftBlockCompiles() throws {
        let snippets = try Self.snippets()
        #expect(snippets.count >= 2, "the README's Swift blocks lost their compiles markers")
        let swiftBlocks = try String(contentsOfFile: TypeErrorTests.repository + "/README.md", encoding: .utf8).components(separatedBy: "\n```swift\n").count - 1
        #expect(snippets.count == swiftBlocks, "every Swift block of the README is marked <!-- compiles: func snippet(…) -->")
        for snippet in snippets {
            let result = try TypeErrorTests().typecheck("\(snippet.signature) {\n\(snippet.body)\n}")
            #expect(result.ok, "README.md:\(snippet.line): \(result.errors)")
        }
    }
}
