/// A piece of the pull-request comment: a finding, always shown, or detail, shown while it fits.
struct MarkdownBlock: Sendable, Equatable {
    var text: String
    var isDetail: Bool

    /// The blocks in order, every finding included; detail blocks only while the whole stays within
    /// `limit` characters (counted as GitHub does, in Unicode scalars), and a closing line counting what
    /// was cut and saying how to see it. Whole blocks are cut, so no `<details>` is left open.
    static func fit(_ blocks: [MarkdownBlock], limit: Int?) -> String {
        guard let limit else { return blocks.map(\.text).joined() }
        func size(_ text: String) -> Int { text.unicodeScalars.count }
        let note = "\n_Some detail (%d block%@) was cut to keep this comment under GitHub's 65,536 characters; every finding above is complete. "
            + "`synth diff … --format markdown --full` shows everything._\n"
        let noteSize = size(note) + 8
        var budget = limit - noteSize - blocks.filter { !$0.isDetail }.reduce(0) { $0 + size($1.text) }
        var out = ""
        var cut = 0
        for block in blocks {
            if block.isDetail {
                let blockSize = size(block.text)
                guard blockSize <= budget else {
                    cut += 1
                    continue
                }
                budget -= blockSize
            }
            out += block.text
        }
        guard cut > 0 else { return out }
        return out + note.replacingOccurrences(of: "%d", with: String(cut)).replacingOccurrences(of: "%@", with: cut == 1 ? "" : "s")
    }
}
