@testable import StackDiff
import Testing

/// The comment's budget: findings always, detail while it fits, whole blocks at a time.
@Suite struct MarkdownBudgetTests {
    @Test func findingsStayAndDetailIsCutWholeWithANote() {
        let blocks = [
            MarkdownBlock(text: "finding one\n", isDetail: false),
            MarkdownBlock(text: "<details>" + String(repeating: "x", count: 5_000) + "</details>\n", isDetail: true),
            MarkdownBlock(text: "finding two\n", isDetail: false),
            MarkdownBlock(text: "<details>small</details>\n", isDetail: true),
        ]
        let fitted = MarkdownBlock.fit(blocks, limit: 1_000)
        #expect(fitted.hasPrefix("finding one\nfinding two\n<details>small</details>\n"), "\(fitted)")
        #expect(!fitted.contains("xxxx") && fitted.contains("Some detail (1 block) was cut") && fitted.unicodeScalars.count <= 1_000)
        // Everything fits: nothing is cut and nothing is said about cutting.
        #expect(MarkdownBlock.fit(blocks, limit: 10_000) == blocks.map(\.text).joined())
        #expect(MarkdownBlock.fit(blocks, limit: nil) == blocks.map(\.text).joined())
        // Findings past the limit are still all shown: a reviewer never loses one.
        #expect(MarkdownBlock.fit(blocks, limit: 10).contains("finding two"))
    }
}
