/// The review for a terminal: every section in full, colour only when asked for.
extension DiffReport {
    public func text(color: Bool) -> String {
        TextBackend(color: color).render(verdict: verdict, sections: sections) + (baseline.map { "\nCompared: \($0).\n" } ?? "")
    }
}

struct TextBackend {
    var color: Bool

    func render(verdict: String, sections: [DiffSection]) -> String {
        var out = verdict + "\n"
        for section in sections {
            let title = plain(section.title) + (section.lead.map { ": " + $0 } ?? "")
            out += "\n" + paint(title, section.isBlocking ? "31;1" : "1") + "\n"
            for group in section.groups {
                if let heading = group.title { out += "  \(heading):\n" }
                for item in group.items { write(item, indent: group.title == nil ? 2 : 4, to: &out) }
            }
        }
        return out
    }

    func write(_ item: DiffItem, indent: Int, to out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch item.mark {
        case .none: out += pad + spans(item.spans) + "\n"
        case .change(let change): out += pad + paint(Self.symbol(change), Self.color(change)) + " " + spans(item.spans) + "\n"
        case .blocker: out += pad + paint("✗", "31") + " " + spans(item.spans) + "\n"
        }
        for child in item.notes + item.detail { write(child, indent: indent + 4, to: &out) }
        if let sql = item.sql {
            out += sql.split(separator: "\n", omittingEmptySubsequences: false).map { "\(pad)  | \($0)\n" }.joined()
        }
    }

    static func symbol(_ change: Change) -> String {
        switch change {
        case .added: "+"
        case .removed: "-"
        case .modified: "~"
        }
    }

    static func color(_ change: Change) -> String {
        switch change {
        case .added: "32"
        case .removed: "31"
        case .modified: "33"
        }
    }

    func spans(_ spans: [Span]) -> String {
        spans.map { span in
            switch span {
            case .plain(let text), .code(let text): text
            case .strong(let text): paint(text, "1")
            case .alert(let text): paint(text, "31;1")
            case .caution(let text): paint(text, "33;1")
            }
        }.joined()
    }

    func plain(_ spans: [Span]) -> String { TextBackend(color: false).spans(spans) }

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}
