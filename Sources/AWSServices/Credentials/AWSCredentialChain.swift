import AWSSigV4
import Foundation

/// The AWS SDKs' default credential chain, and the region beside it, for the runtime's clients.
///
/// The source is chosen once, from the environment and the shared files (`CredentialSource`);
/// credentials are fetched when first asked for, and fetched again when they would expire within
/// `refreshWindow` (five minutes, as the SDKs do) or within half their lifetime, whichever is
/// shorter (credentials that live minutes are not fetched again for every request), so a sync
/// that outlives one set of session credentials signs every request with valid ones. Callers asking while a fetch is under way
/// wait for that fetch. A refresh that fails while the current credentials still work keeps them.
public actor AWSCredentialChain: AWSCredentialProvider {
    /// The source chosen, or why none could be.
    public nonisolated let selection: Result<CredentialSource, CredentialError>
    /// The region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`; nil when none
    /// says (instance metadata is asked by `resolvedRegion()`).
    public nonisolated let configuredRegion: (region: String, source: String)?
    let fetcher: CredentialFetcher
    let refreshWindow: Duration
    private var current: (credentials: ResolvedCredentials, fetchedAt: Date)?
    private var fetching: Task<ResolvedCredentials, any Error>?
    /// How many times credentials were fetched, for `chat-store credentials` and the tests.
    public private(set) var fetches = 0

    public init(environment: [String: String], files: SharedConfigFiles? = nil, refreshWindow: Duration = .seconds(300)) {
        let files = files ?? SharedConfigFiles.load(environment: environment)
        selection = Result { () throws(CredentialError) in try CredentialSource.select(environment: environment, files: files) }
        configuredRegion = Self.region(environment: environment, files: files)
        fetcher = CredentialFetcher(environment: environment, region: configuredRegion?.region)
        self.refreshWindow = refreshWindow
    }

    public nonisolated var source: String {
        switch selection {
        case .success(let source): source.description
        case .failure(let error): "no source (\(error.problem))"
        }
    }

    public func credentials() async throws -> AWSCredentials { try await resolved().credentials }

    /// The current credentials with their expiry, fetched or refreshed as needed.
    public func resolved() async throws -> ResolvedCredentials {
        if let current, !needsRefresh(current.credentials, fetchedAt: current.fetchedAt) { return current.credentials }
        if let fetching { return try await fetching.value }
        let source = try selection.get()
        let fetcher = fetcher
        let task = Task { () async throws -> ResolvedCredentials in try await fetcher.fetch(source) }
        fetching = task
        defer { fetching = nil }
        let started = Date()
        do {
            let fresh = try await task.value
            fetches += 1
            current = (fresh, started)
            return fresh
        } catch {
            // Still valid for a while: keep signing with them, and try again on the next request.
            if let current, let expiration = current.credentials.expiration, expiration > Date() { return current.credentials }
            throw error
        }
    }

    func needsRefresh(_ credentials: ResolvedCredentials, fetchedAt: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        let lifetime = expiration.timeIntervalSince(fetchedAt)
        let window = min(Double(refreshWindow.components.seconds), lifetime / 2)
        return expiration.timeIntervalSinceNow < window
    }

    /// The region and where it came from; from instance metadata when nothing configures one and
    /// the credentials come from there too (on EC2). Nil when nothing says.
    public func resolvedRegion() async -> (region: String, source: String)? {
        if let configuredRegion { return configuredRegion }
        guard case .success(.instanceMetadata(let endpoint)) = selection,
              let region = try? await fetcher.instanceRegion(endpoint), !region.isEmpty else { return nil }
        return (region, "EC2 instance metadata")
    }

    static func region(environment: [String: String], files: SharedConfigFiles) -> (region: String, source: String)? {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[name], !region.isEmpty { return (region, name) }
        }
        let profile = environment.nonEmpty("AWS_PROFILE") ?? environment.nonEmpty("AWS_DEFAULT_PROFILE") ?? "default"
        return files.profile(profile)?["region"].map { ($0, "profile \"\(profile)\" in \(files.configPath)") }
    }
}
