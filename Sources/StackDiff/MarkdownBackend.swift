/// The review as a pull-request comment: findings in lists, the rest folded into `<details>`.
extension DiffReport {
    /// GitHub refuses a comment over 65,536 characters; this leaves room for the workflow's marker line.
    public static let commentLimit = 65_000

    /// The pull-request comment. Findings (deploy blockers, cost, what is left behind, every changed
    /// resource with its replacement and data loss, each widening of access, schema data loss, the
    /// migration plan) are always shown in full; property-level detail, the SQL of migrations and the
    /// schema changes that lose nothing fold into `<details>` and are cut, whole blocks at a time, once
    /// the comment would pass `limit` characters, with a line saying what was cut and how to see it.
    /// nil: no limit.
    public func markdown(limit: Int? = DiffReport.commentLimit) -> String {
        MarkdownBlock.fit(markdownBlocks(), limit: limit)
    }

    func markdownBlocks() -> [MarkdownBlock] {
        let icon = fails(.blocker) ? "⛔ " : fails(.dataLoss) || fails(.broadening) || fails(.replacement) ? "⚠️ " : ""
        let compared = baseline.map { "\n_Compared: \($0)._\n" } ?? ""
        return [MarkdownBlock(text: "### synth diff\n\n\(icon)**\(verdict)**\n" + compared, isDetail: false)] + sections.flatMap(MarkdownBackend.blocks)
    }
}

enum MarkdownBackend {
    /// A section's findings, then one folded block of its detail, then each SQL listing folded on its own.
    static func blocks(_ section: DiffSection) -> [MarkdownBlock] {
        let title = spans(section.title)
        var findings = "\n#### \(title)\n" + (section.lead.map { "\n\($0)\n" } ?? "")
        var detail = ""
        var listings: [MarkdownBlock] = []
        for group in section.groups {
            let shown = group.items.filter(\.isFinding)
            if !shown.isEmpty {
                findings += "\n" + (group.title.map { "\($0):\n\n" } ?? "") + shown.map { line($0, detail: false) }.joined()
            }
            let folded = group.items.filter { !$0.isFinding } + shown.filter { !$0.detail.isEmpty }
            if !folded.isEmpty {
                detail += "\n" + (group.title.map { "\($0):\n\n" } ?? "") + folded.map { line($0, detail: true) }.joined()
            }
            for item in group.items {
                guard let sql = item.sql else { continue }
                listings.append(MarkdownBlock(text: "\n<details><summary>SQL of \(spans(item.spans.prefix(1)))</summary>\n\n```sql\n"
                                              + sql + (sql.hasSuffix("\n") ? "" : "\n") + "```\n\n</details>\n", isDetail: true))
            }
        }
        var blocks = [MarkdownBlock(text: findings, isDetail: false)]
        if !detail.isEmpty {
            blocks.append(MarkdownBlock(text: "\n<details><summary>Details of \(title)</summary>\n" + detail + "\n</details>\n", isDetail: true))
        }
        return blocks + listings
    }

    /// A list item with its notes and, when `detail`, its detail lines nested under it.
    static func line(_ item: DiffItem, detail: Bool, depth: Int = 0) -> String {
        let mark = switch item.mark {
        case .none: ""
        case .change(let change): TextBackend.symbol(change) + " "
        case .blocker: "⛔ "
        }
        var out = String(repeating: "  ", count: depth) + "- " + mark + spans(item.spans) + "\n"
        for child in item.notes + (detail ? item.detail : []) { out += line(child, detail: detail, depth: depth + 1) }
        return out
    }

    static func spans(_ spans: some Sequence<Span>) -> String {
        spans.map { span in
            switch span {
            case .plain(let text): text
            case .code(let text): "`" + text.replacingOccurrences(of: "`", with: "'") + "`"
            case .strong(let text), .alert(let text), .caution(let text): "**" + text + "**"
            }
        }.joined()
    }
}
