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
