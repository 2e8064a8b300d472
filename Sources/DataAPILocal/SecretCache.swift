import Synchronization

/// Secrets read in the last `lifetime`, so a busy endpoint does not ask Secrets Manager on every
/// call; a rotated secret is picked up within that time, or at once when the database refuses the
/// cached one (`forget`).
final class SecretCache: Sendable {
    let lifetime: Duration
    private let read: DataAPIService.SecretReader
    private let entries = Mutex<[String: (credentials: DataAPIService.Credentials, readAt: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration, read: @escaping DataAPIService.SecretReader) {
        self.lifetime = lifetime
        self.read = read
    }

    func credentials(for arn: String) async throws -> DataAPIService.Credentials {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[arn] }), now - cached.readAt < lifetime { return cached.credentials }
        let secret = try await read(arn)
        let credentials = DataAPIService.Credentials(username: secret.username, password: secret.password)
        entries.withLock { $0[arn] = (credentials, now) }
        return credentials
    }

    func forget(_ arn: String) {
        _ = entries.withLock { $0.removeValue(forKey: arn) }
    }
}
