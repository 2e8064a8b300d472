import DSLCore
import Crypto

/// One versioned migration, as `out/<stage>/migrations/NNNN_<slug>.sql` holds it: a header with the
/// fingerprints before and after and the checksum of the body, then the body, whose statements run
/// in one transaction except index builds, which run `CONCURRENTLY` after it, each on its own.
public struct Migration: Sendable, Equatable {
    /// The folder of a stage's output that holds its migrations.
    public static let directory = "migrations"

    public var version: Int
    public var slug: String
    /// The fingerprint of the schema it starts from; nil for the first migration, which starts empty.
    public var before: String?
    public var after: String
    /// The checksum the header records.
    public var checksum: String
    public var body: String

    public init(version: Int, slug: String, before: String?, after: String, checksum: String, body: String) {
        self.version = version
        self.slug = slug
        self.before = before
        self.after = after
        self.checksum = checksum
        self.body = body
    }

    public var fileName: String { Self.fileName(version: version, slug: slug) }
    public var name: String { String(fileName.dropLast(4)) }

    /// The body's actual checksum; a committed migration whose header says otherwise was edited.
    public var computedChecksum: String { Self.checksums.result(for: body) { Self.checksum(of: $0) } }

    /// Stages whose migrations share their bodies (staging's and prod's, all but the header line)
    /// hash each body once.
    private static let checksums = RecentResults<String, String>(capacity: 64)

    public static func checksum(of body: String) -> String { "sha256:" + SchemaCatalog.hex(SHA256.hash(data: Array(body.utf8))) }

    public static func fileName(version: Int, slug: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + slug + ".sql"
    }

    /// Statements that run in the migration's transaction, in order.
    public var transactionalStatements: [String] { sections.transactional }
    /// Statements that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`), in order, after it.
    public var outsideStatements: [String] { sections.outside }

    /// Both, read in one pass: each paragraph (lines up to a blank one) is a statement once its
    /// comment lines are left out; `BEGIN` and `COMMIT` mark the transaction. Lines are found by their
    /// UTF-8 newline bytes, which is what makes reading every committed migration at synth time cheap.
    public var sections: (transactional: [String], outside: [String]) {
        var transactional: [String] = [], outside: [String] = []
        var body = body
        body.withUTF8 { bytes in
            let newline = UInt8(ascii: "\n"), dash = UInt8(ascii: "-")
            var inTransaction = false
            // The paragraph's lines other than comments, joined by line breaks.
            var paragraph: [UInt8] = []
            var paragraphOpen = false
            func endParagraph() {
                defer { paragraph.removeAll(keepingCapacity: true) }
                guard let last = paragraph.last else { return }
                let sql = String(decoding: paragraph[..<(last == UInt8(ascii: ";") ? paragraph.count - 1 : paragraph.count)], as: UTF8.self)
                switch sql {
                case "BEGIN": inTransaction = true
                case "COMMIT": inTransaction = false
                default: if inTransaction { transactional.append(sql) } else { outside.append(sql) }
                }
            }
            var lineStart = 0
            func endLine(_ end: Int) {
                if lineStart == end {
                    endParagraph()
                    paragraphOpen = false
                    return
                }
                paragraphOpen = true
                guard !(bytes[lineStart] == dash && lineStart + 1 < end && bytes[lineStart + 1] == dash) else { return }
                if !paragraph.isEmpty { paragraph.append(newline) }
                paragraph.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]))
            }
            for index in bytes.indices where bytes[index] == newline {
                endLine(index)
                lineStart = index + 1
            }
            endLine(bytes.count)
            if paragraphOpen { endParagraph() }
        }
        return (transactional, outside)
    }

    /// The index and table a `CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON table …` builds; nil for other statements.
    public static func concurrentIndexBuild(_ statement: String) -> (index: String, table: String)? {
        let words = statement.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard words.starts(with: ["CREATE"]), words.contains("CONCURRENTLY"), let exists = words.firstIndex(of: "EXISTS"),
              exists + 3 < words.count, words[exists + 2] == "ON" else { return nil }
        func bare(_ name: String) -> String { String(name.filter { $0 != "\"" }) }
        return (bare(words[exists + 1]), bare(words[exists + 3]))
    }

    // MARK: The file

    /// The file's text: header, blank line, body.
    public func file(stage: String) -> String {
        var header = "-- Migration \(fileName.prefix(4)) of stage \(stage), written by `swift run synth \(stage)` from stacks/. Never edit it once committed.\n"
        header += "-- before: \(before ?? "empty")\n"
        header += "-- after: \(after)\n"
        header += "-- checksum: \(checksum)\n"
        return header + "\n" + body
    }

    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }
    }

    /// Reads a migration file; `fileName` is `NNNN_<slug>.sql`.
    public static func parse(fileName: String, text: String) throws(Unreadable) -> Migration {
        func fail(_ problem: String) -> Unreadable { Unreadable(file: fileName, problem: problem) }
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_"),
              let version = Int(fileName[..<underscore]), fileName.distance(from: fileName.startIndex, to: underscore) == 4, version > 0 else {
            throw fail("a migration is named NNNN_<slug>.sql, numbered from 0001")
        }
        // `-- key: value` lines up to the first blank one, read as bytes: the header is ASCII, and
        // reading it character by character cost more than the rest of the file.
        var text = text
        let header: (fields: [String: String], bodyStart: Int)? = text.withUTF8 { bytes in
            let newline = UInt8(ascii: "\n")
            var fields: [String: String] = [:]
            var lineStart = 0
            for index in bytes.indices where bytes[index] == newline {
                // A blank line (`\n\n`) ends the header.
                if index == lineStart && index > 0 { return (fields, index + 1) }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<index])
                lineStart = index + 1
                guard line.starts(with: "-- ".utf8), let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let key = UnsafeBufferPointer(rebasing: line[(line.startIndex + 3)..<colon])
                let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") }
                fields[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
            }
            return nil
        }
        guard let header else { throw fail("no blank line after the header") }
        let fields = header.fields
        guard let before = fields["before"], let after = fields["after"], let checksum = fields["checksum"] else {
            throw fail("the header must have before:, after: and checksum: lines")
        }
        let slug = String(fileName[fileName.index(after: underscore)...].dropLast(4))
        return Migration(version: version, slug: slug, before: before == "empty" ? nil : before, after: after,
                         checksum: checksum, body: String(text[text.utf8.index(text.utf8.startIndex, offsetBy: header.bodyStart)...]))
    }
}

extension String {
    /// The range of the first occurrence of `needle`, compared byte by byte in UTF-8 (character by
    /// character was a third of the cost of reading every committed migration); SQLSchema has no Foundation.
    func range(of needle: String) -> Range<String.Index>? {
        let haystack = utf8, pattern = Array(needle.utf8)
        guard let first = pattern.first else { return startIndex..<startIndex }
        var index = haystack.startIndex
        while let candidate = haystack[index...].firstIndex(of: first) {
            var end = candidate, matched = 0
            while matched < pattern.count, end < haystack.endIndex, haystack[end] == pattern[matched] {
                matched += 1
                end = haystack.index(after: end)
            }
            if matched == pattern.count { return candidate..<end }
            index = haystack.index(after: candidate)
        }
        return nil
    }
}
