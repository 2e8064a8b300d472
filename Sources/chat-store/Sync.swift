import ArgumentParser
import ChatRuntime
import Foundation

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Backfill the search tables from Bedrock Chat's DynamoDB tables (bots, and optionally conversations).",
        discussion: """
            Scans each table by parallel segments, skips what is no bot or conversation (aliases, related documents), reports \
            items it cannot read with their keys, embeds and writes the rest. It saves a checkpoint after every page: run it \
            again after an interruption and it continues where it stopped; run it again after it finished and it changes \
            nothing. Once the scan is complete it removes the bots and conversations whose items the source no longer has \
            (a consistent read confirms each), leaving tombstones so an older stream record cannot bring them back; \
            --keep-missing keeps them, for a partial source. Large message maps are read from S3 (--large-message-bucket, Bedrock Chat's LARGE_MESSAGE_BUCKET). \
            AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 override the endpoints. Progress goes to standard error (a bar \
            on a terminal, a line every few seconds otherwise), the summary to standard output as JSON. Exit status: 0 every \
            item read was indexed or skipped; 1 some items failed (listed with their keys); 2 bad arguments or configuration.
            """)

    @Option(name: .customLong("bots-table"), help: "Bedrock Chat's bot table (the CDK output BotTableName).") var botsTable: String
    @Option(name: .customLong("conversations-table"), help: "Bedrock Chat's conversation table, to make conversations searchable.") var conversationsTable: String?
    @Option(name: .customLong("large-message-bucket"), help: "The bucket large message maps are in.") var largeMessageBucket: String?
    @Option(help: "Parallel scan segments (a resumed run needs the same number).") var segments = 4
    @Option(name: .customLong("page-size"), help: "Items per scan page (a checkpoint is saved after each).") var pageSize = 100
    @Flag(name: .customLong("dry-run"), help: "Read and map every item, write nothing (counts what would be removed).") var dryRun = false
    @Flag(name: .customLong("keep-missing"), help: "Keep rows whose items are gone from the source (for a partial source).") var keepMissing = false

    func validate() throws {
        guard (1...64).contains(segments) else { throw ValidationError("--segments must be 1–64 (got \(segments))") }
        guard (1...1000).contains(pageSize) else { throw ValidationError("--page-size must be 1–1000 (got \(pageSize))") }
        if botsTable.isEmpty { throw ValidationError("--bots-table must name a table") }
        if conversationsTable?.isEmpty == true { throw ValidationError("--conversations-table must name a table") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        try await withConfiguredDatabase { database, configuration in
            var largeMessages: LargeMessageBucket?
            if let largeMessageBucket {
                largeMessages = LargeMessageBucket(s3: try await ChatDatabase.s3(configuration, environment: environment), bucket: largeMessageBucket)
            }
            let backfill = try Backfill(dynamoDB: try await ChatDatabase.dynamoDB(configuration, environment: environment), database: database,
                                        largeMessages: largeMessages)
            let options = Backfill.Options(segments: segments, pageSize: pageSize, dryRun: dryRun, removeMissing: !keepMissing)
            var summaries: [Backfill.Summary] = []
            for (table, kind) in [(botsTable, Backfill.Kind.bots)] + (conversationsTable.map { [($0, .conversations)] } ?? []) {
                let printer = ProgressPrinter(terminal: isatty(STDERR_FILENO) == 1, table: table, segments: segments)
                let heartbeat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        printer.heartbeat()
                    }
                }
                defer { heartbeat.cancel() }
                let summary = try await backfill.run(table: table, kind: kind, options: options) { printer.show($0) }
                printer.finish(summary)
                summaries.append(summary)
            }
            try printJSON(summaries)
            if summaries.contains(where: { $0.counts.failed > 0 }) { throw ExitCode(1) }
        }
    }
}

/// Progress on standard error: a line as soon as a table starts, then a bar redrawn in place on a
/// terminal or a plain line every five seconds otherwise (a log file or CI), a heartbeat while
/// nothing moves (DynamoDB slow to answer, a page being written), and a summary line per table.
final class ProgressPrinter: @unchecked Sendable {
    let terminal: Bool
    let table: String
    let started = ContinuousClock.now
    private let lock = NSLock()
    private var lastLine = ContinuousClock.now
    private var last: Backfill.Progress?

    init(terminal: Bool, table: String, segments: Int) {
        self.terminal = terminal
        self.table = table
        write("sync \(table): starting, \(segments) segment\(segments == 1 ? "" : "s"); asking DynamoDB for the table\n")
    }

    func show(_ progress: Backfill.Progress) {
        lock.withLock {
            let first = last == nil
            last = progress
            let now = ContinuousClock.now
            guard first || (terminal ? now - lastLine > .milliseconds(100) : now - lastLine > .seconds(5)) else { return }
            lastLine = now
            write(terminal ? "\r\(Self.bar(progress, elapsed: now - started))\u{1B}[K" : Self.line(progress, elapsed: now - started) + "\n")
        }
    }

    /// Called every second: after five without a line, says what the sync is waiting for.
    func heartbeat() {
        lock.withLock {
            let now = ContinuousClock.now
            guard now - lastLine >= .seconds(5) else { return }
            lastLine = now
            let waited = Int(Self.seconds(now - started))
            let state = last.map { "scanned \($0.counts.scanned), segments done \($0.finishedSegments)/\($0.segments)" } ?? "no page read yet"
            write((terminal ? "\r\u{1B}[K" : "") + "sync \(table): waiting for DynamoDB or the database, \(state), \(waited) s\n")
        }
    }

    func finish(_ summary: Backfill.Summary) {
        let seconds = Self.seconds(ContinuousClock.now - started)
        let counts = summary.counts
        write((terminal ? "\r\u{1B}[K" : "") + "\(summary.table): \(summary.dryRun ? "dry run, " : "")scanned \(counts.scanned), "
              + "\(summary.dryRun ? "would index" : "indexed") \(counts.indexed), unchanged \(counts.unchanged), skipped \(counts.skipped), "
              + "failed \(counts.failed), \(summary.dryRun ? "would remove" : "removed") \(counts.removed)\(summary.resumedSegments > 0 ? ", resumed \(summary.resumedSegments) segments" : "") "
              + "in \(String(format: "%.1f", seconds)) s\n")
        for failure in summary.failures { write("  failed \(failure.keys): \(failure.problem)\n") }
        if counts.failed > Int64(summary.failures.count) { write("  … and \(counts.failed - Int64(summary.failures.count)) more\n") }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `[#########...........] 1,200/2,000 60% 340/s ETA 2s`; without a known total, counts and rate.
    static func bar(_ progress: Backfill.Progress, elapsed: Duration) -> String {
        let done = progress.counts.scanned
        let rate = Double(done) / max(seconds(elapsed), 0.001)
        guard progress.approximateTotal > 0 else { return "\(progress.table): \(done) items, \(Int(rate))/s" }
        let fraction = min(1, Double(done) / Double(progress.approximateTotal))
        let filled = Int(fraction * 24)
        let eta = rate > 0 ? max(0, Double(progress.approximateTotal - done) / rate) : 0
        return "\(progress.table) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 24 - filled))] "
            + "\(done)/\(progress.approximateTotal) \(Int(fraction * 100))% \(Int(rate))/s ETA \(Int(eta.rounded()))s"
    }

    static func line(_ progress: Backfill.Progress, elapsed: Duration) -> String {
        let counts = progress.counts
        return "sync \(progress.table): scanned \(counts.scanned) of about \(progress.approximateTotal), indexed \(counts.indexed), "
            + "unchanged \(counts.unchanged), skipped \(counts.skipped), failed \(counts.failed), "
            + "segments done \(progress.finishedSegments)/\(progress.segments), \(Int(Double(counts.scanned) / max(seconds(elapsed), 0.001)))/s"
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
