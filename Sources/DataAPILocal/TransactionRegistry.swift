import PostgresNIO

/// Open Data API transactions, each pinned to its own PostgreSQL connection. One statement at a
/// time per transaction; a transaction idle longer than the limit (3 minutes on AWS) is rolled back.
actor TransactionRegistry {
    struct Entry {
        var connection: PostgresConnection
        var lastUsed: ContinuousClock.Instant
        var busy: Bool
    }

    private var entries: [String: Entry] = [:]

    func add(_ connection: PostgresConnection) -> String {
        let id = Self.newIdentifier()
        entries[id] = Entry(connection: connection, lastUsed: .now, busy: false)
        return id
    }

    /// The transaction's connection, marked busy until `release`.
    func acquire(_ id: String) throws(DataAPIError) -> PostgresConnection {
        guard var entry = entries[id] else { throw DataAPIError(.transactionNotFound, "Transaction \(id) is not found") }
        guard !entry.busy else {
            throw .badRequest("Transaction \(id) is already running a statement; a transaction runs one statement at a time")
        }
        entry.busy = true
        entries[id] = entry
        return entry.connection
    }

    func release(_ id: String) {
        entries[id]?.busy = false
        entries[id]?.lastUsed = .now
    }

    /// Removes the transaction; the caller commits or rolls back and closes its connection.
    func remove(_ id: String) throws(DataAPIError) -> PostgresConnection {
        guard let entry = entries[id] else { throw DataAPIError(.transactionNotFound, "Transaction \(id) is not found") }
        guard !entry.busy else { throw .badRequest("Transaction \(id) is running a statement") }
        entries[id] = nil
        return entry.connection
    }

    /// Removes and returns the connections of transactions idle for longer than `limit`.
    func expired(idleLongerThan limit: Duration) -> [PostgresConnection] {
        let now = ContinuousClock.Instant.now
        let stale = entries.filter { !$0.value.busy && now - $0.value.lastUsed > limit }
        for id in stale.keys { entries[id] = nil }
        return stale.values.map(\.connection)
    }

    func removeAll() -> [PostgresConnection] {
        defer { entries = [:] }
        return entries.values.map(\.connection)
    }

    var count: Int { entries.count }

    /// A random, URL-safe identifier like the service's (well under its 192-character limit).
    static func newIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<64).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}

/// Simulates Serverless v2 auto-pause: after `pauseAfter` without calls the cluster pauses, and the
/// calls that arrive during the next `resumeDuration` get `DatabaseResumingException`.
actor ResumeSimulator {
    let pauseAfter: Duration
    let resumeDuration: Duration
    private var lastActivity = ContinuousClock.Instant.now
    private var resumedAt: ContinuousClock.Instant?

    init(pauseAfter: Duration, resumeDuration: Duration) {
        self.pauseAfter = pauseAfter
        self.resumeDuration = resumeDuration
    }

    func admit() throws(DataAPIError) {
        let now = ContinuousClock.Instant.now
        if let resumedAt {
            if now < resumedAt { throw Self.resuming }
            self.resumedAt = nil
        } else if now - lastActivity > pauseAfter {
            resumedAt = now + resumeDuration
            throw Self.resuming
        }
        lastActivity = now
    }

    func touch() { lastActivity = .now }

    static let resuming = DataAPIError(.databaseResuming,
        "The Aurora DB instance local-writer is resuming after being auto-paused. Please wait a few seconds and try again.")
}
