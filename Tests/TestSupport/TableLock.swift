import Foundation
import Spawn

/// A session that holds an `ACCESS EXCLUSIVE` lock on a table for a while: every statement on the
/// table waits, which is how a test makes a statement slow without changing the code that runs it.
public final class TableLock: Sendable {
    let process: BackgroundProcess
    let database: TestDatabase
    let applicationName: String

    init(process: BackgroundProcess, database: TestDatabase, applicationName: String) {
        self.process = process
        self.database = database
        self.applicationName = applicationName
    }

    /// Ends the holding session now (the server would otherwise keep it until its sleep ends).
    public func stop() {
        _ = try? database.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(applicationName)'")
        process.stop()
    }
}

extension TestDatabase {
    /// Locks `table` in a psql session of its own for `seconds`, and returns once the lock is held.
    public func holdLock(on table: String, forSeconds seconds: Int) throws -> TableLock {
        let applicationName = "test-lock-\(UUID().uuidString.prefix(8).lowercased())"
        let process = try BackgroundProcess.start(
            server.binDirectory + "/psql",
            ["-X", "-q", "-h", server.host, "-p", String(server.port), "-U", "postgres", "-d", name,
             "-c", "BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(\(seconds)); COMMIT;"],
            environment: TestPostgres.clientLimits.merging(["PGAPPNAME": applicationName]) { $1 })
        let lock = TableLock(process: process, database: self, applicationName: applicationName)
        let held = """
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.application_name = '\(applicationName)' AND l.relation = '\(table)'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted
            """
        for _ in 0..<200 {
            if (try? run(held))?.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { return lock }
            usleep(50_000)
        }
        lock.stop()
        throw TestPostgres.PSQLFailure(status: 1, message: "the lock on \(table) was not taken within 10 s")
    }
}
