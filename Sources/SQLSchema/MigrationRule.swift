/// The online-safety rules every planned migration follows, each with a stable id that migration
/// files, refusals and `synth diff` cite. Most are Squawk's (squawkhq.com/docs/rules) as they apply
/// to PostgreSQL 16 on Aurora; MIG-07 (the Data API's wait) and MIG-08 (HNSW) are this project's.
public enum MigrationRule: String, Sendable, CaseIterable {
    /// Squawk `require-concurrent-index-creation`, `require-concurrent-index-deletion`.
    case concurrentIndexes = "MIG-01"
    /// Squawk `adding-foreign-key-constraint`, `constraint-missing-not-valid`.
    case notValidThenValidate = "MIG-02"
    /// Squawk `require-timeout-settings`.
    case timeouts = "MIG-03"
    /// Squawk `changing-column-type`.
    case noSilentRewrite = "MIG-04"
    /// Squawk `adding-required-field`, `adding-not-nullable-field`.
    case notNullNeedsDefault = "MIG-05"
    /// Squawk `renaming-column`, `renaming-table`.
    case renamesBreakRunningCode = "MIG-06"
    /// The Data API waits 45 seconds for a call.
    case dataAPIWait = "MIG-07"
    /// Exact scans while an HNSW index is rebuilt would make every search read every row.
    case hnswSwap = "MIG-08"

    /// What the rule asks, as the README lists it.
    public var rule: String {
        switch self {
        case .concurrentIndexes:
            "indexes are built and dropped `CONCURRENTLY`, after the migration's transaction, so writes go on meanwhile"
        case .notValidThenValidate:
            "foreign keys and checks are added `NOT VALID`, then validated, which checks the rows without blocking writes"
        case .timeouts:
            "each migration's transaction sets `lock_timeout` (5 s), so a step waiting for a lock fails instead of queueing every query behind it, and `statement_timeout`"
        case .noSilentRewrite:
            "a column's type changes only where the declaration says how (`.changingType(using:)`): every change of type rewrites the table under an exclusive lock, so even a widening is never planned silently"
        case .notNullNeedsDefault:
            "a column added `NOT NULL` to an existing table needs a default; otherwise synth refuses it and says how to add it in steps"
        case .renamesBreakRunningCode:
            "renaming a table or column is flagged by `synth diff` as breaking the code still running, which names the old one"
        case .dataAPIWait:
            "`statement_timeout` in the transaction is 40 s, below the Data API's 45-second wait, so a step too long for one call fails cleanly and rolls back; steps that may run longer (index builds) run outside it, with `continueAfterTimeout`, and are followed until they finish"
        case .hnswSwap:
            "a changed vector (HNSW) index is built under a new name beside the old one, which is then dropped and replaced by it, so search never falls back to exact scans while it builds"
        }
    }

    /// `[MIG-01]`, as messages cite a rule.
    public var tag: String { "[\(rawValue)]" }

    /// The settings MIG-03 and MIG-07 open every transaction with.
    public static let lockTimeout = "5s"
    public static let statementTimeout = "40s"
}
