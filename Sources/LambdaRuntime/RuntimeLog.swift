import Foundation
import JSONText
import Logging

/// One JSON object a line on standard output, which CloudWatch Logs reads as structured fields and
/// Lambda's log-level filtering reads by its `level` (a function's `LoggingConfig` with `LogFormat:
/// JSON`; custom runtimes must write the level themselves). Each line carries `timestamp` (RFC 3339,
/// which Lambda also reads), `level`, `message`, the invocation's `requestId` when there is one, then
/// the caller's fields. Lines below the level Lambda passes in `AWS_LAMBDA_LOG_LEVEL` are not written.
public struct RuntimeLog: Sendable {
    /// Lambda's application log levels, in its own spelling.
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case trace = "TRACE", debug = "DEBUG", info = "INFO", warning = "WARN", error = "ERROR", fatal = "FATAL"

        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }

        /// swift-log's levels in Lambda's (notice is information; critical is fatal).
        init(_ level: Logger.Level) {
            switch level {
            case .trace: self = .trace
            case .debug: self = .debug
            case .info, .notice: self = .info
            case .warning: self = .warning
            case .error: self = .error
            case .critical: self = .fatal
            }
        }

        var swiftLog: Logger.Level {
            switch self {
            case .trace: .trace
            case .debug: .debug
            case .info: .info
            case .warning: .warning
            case .error: .error
            case .fatal: .critical
            }
        }
    }

    /// The invocation under way, set by the runtime loop for each event.
    @TaskLocal public static var requestId: String?

    let sink: @Sendable (String) -> Void
    public let minimumLevel: Level

    /// Each line is written straight to standard output: `print` buffers when stdout is a pipe, as
    /// it is under Lambda, and lines still in the buffer when the process is frozen or killed are lost.
    public init(minimumLevel: Level = .info,
                sink: @escaping @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }) {
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// The log Lambda configures: `AWS_LAMBDA_LOG_LEVEL` (the function's `ApplicationLogLevel`), INFO when unset or unknown.
    public init(environment: [String: String]) {
        self.init(minimumLevel: environment["AWS_LAMBDA_LOG_LEVEL"].flatMap { Level(rawValue: $0.uppercased()) } ?? .info)
    }

    public func write(_ level: Level, _ message: String, fields: [(String, String)] = []) {
        guard level >= minimumLevel else { return }
        var entries: [(String, JSON)] = [("timestamp", .string(Self.timestamp())), ("level", .string(level.rawValue)), ("message", .string(message))]
        if let requestId = Self.requestId, !fields.contains(where: { $0.0 == "requestId" }) { entries.append(("requestId", .string(requestId))) }
        for (name, value) in fields {
            // A field may not stand in for the line's own keys (Lambda reads the first `level`).
            let taken = Self.ownKeys.contains(name) || (name == "requestId" && Self.requestId != nil && Self.requestId != value)
            entries.append((taken ? "field.\(name)" : name, .string(value)))
        }
        sink(JSON.object(entries).compact())
    }

    static let ownKeys: Set<String> = ["timestamp", "level", "message"]

    /// Now, as `2026-12-06T18:50:56.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        let fraction = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}

/// swift-log's lines in the runtime's format, so a library's log (postgres-nio's, the migrator's)
/// reads like the runtime's own: `LoggingSystem.bootstrap { JSONLogHandler(label: $0, log: log) }`
/// once at start-up. The logger's label and metadata become fields.
public struct JSONLogHandler: LogHandler {
    public let label: String
    let log: RuntimeLog
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(label: String, log: RuntimeLog) {
        self.label = label
        self.log = log
        logLevel = log.minimumLevel.swiftLog
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [("logger", label)]
        let merged = event.metadata.map { metadata.merging($0) { _, given in given } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { fields.append((key, "\(value)")) }
        if let error = event.error { fields.append(("error", "\(error)")) }
        log.write(RuntimeLog.Level(event.level), event.message.description, fields: fields)
    }
}
