/// The aurora-postgresql versions that exist, as data, so synth refuses one that does not (16.5, 16.99)
/// and says which exist nearby.
///
/// Sources, as of 2026-12-06:
/// - releases and their months: "Aurora PostgreSQL updates",
///   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Updates.html,
///   and "Release calendars for Aurora PostgreSQL",
///   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html;
/// - the Data API's and scale-to-zero's first versions per major (`AuroraEngineVersion.minimums`): the Aurora user
///   guide's "Data API" (region and version availability) and "Aurora Serverless v2 capacity" pages;
/// - pgvector: the release notes' "updated pgvector to …" entries; nil where a minor's notes do not say (the
///   extension versions table was not read), and where the version ships none;
/// - the versions released after the newest release notes read (month nil): the EngineVersion list cfn-lint
///   1.58.0 generates from the RDS API (`aws_rds_dbcluster/engine_version.json`), which a test compares this table with.
public struct AuroraPostgreSQLRelease: Sendable, Equatable {
    public let version: AuroraEngineVersion
    /// `2025-11`; nil when only cfn-lint's list has it.
    public let month: String?
    /// The pgvector version it ships, where the release notes say.
    public let pgvector: String?

    init(_ version: String, _ month: String?, pgvector: String? = nil) {
        self.version = AuroraEngineVersion(version)!
        self.month = month
        self.pgvector = pgvector
    }
}

extension AuroraEngineVersion {
    /// When `releases` was last brought up to date.
    public static let releasesAsOf = "2026-12-06"

    public static let releases: [AuroraPostgreSQLRelease] = [
        .init("13.3", "2021-08"), .init("13.4", nil), .init("13.5", "2022-02"), .init("13.6", "2022-03"), .init("13.7", "2022-06"),
        .init("13.8", "2022-11"), .init("13.9", "2023-01"), .init("13.10", "2023-04"), .init("13.11", "2023-07", pgvector: "0.4.1"),
        .init("13.12", "2023-10", pgvector: "0.5.0"), .init("13.13", "2023-12"), .init("13.14", "2024-04"), .init("13.15", "2024-08", pgvector: "0.7.0"),
        .init("13.16", "2024-09", pgvector: "0.7.3"), .init("13.18", "2024-12", pgvector: "0.7.4"), .init("13.20", "2025-04", pgvector: "0.8.0"),
        .init("13.21", "2025-06"), .init("13.22", "2025-11"), .init("13.23", "2025-12"),

        .init("14.3", "2022-06"), .init("14.4", "2022-10"), .init("14.5", "2022-11"), .init("14.6", "2023-01"), .init("14.7", "2023-04"),
        .init("14.8", "2023-07", pgvector: "0.4.1"), .init("14.9", "2023-10", pgvector: "0.5.0"), .init("14.10", "2023-12"), .init("14.11", "2024-04"),
        .init("14.12", "2024-08", pgvector: "0.7.0"), .init("14.13", "2024-09", pgvector: "0.7.3"), .init("14.15", "2024-12", pgvector: "0.7.4"),
        .init("14.17", "2025-04", pgvector: "0.8.0"), .init("14.18", "2025-06"), .init("14.19", "2025-11"), .init("14.20", "2025-12"),
        .init("14.22", "2026-04", pgvector: "0.8.1"), .init("14.23", "2026-08"), .init("14.24", nil),

        .init("15.2", "2023-02"), .init("15.3", "2023-07", pgvector: "0.4.1"), .init("15.4", "2023-10", pgvector: "0.5.0"), .init("15.5", "2023-12"),
        .init("15.6", "2024-04"), .init("15.7", "2024-08", pgvector: "0.7.0"), .init("15.8", "2024-09", pgvector: "0.7.3"),
        .init("15.10", "2024-12", pgvector: "0.7.4"), .init("15.12", "2025-04", pgvector: "0.8.0"), .init("15.13", "2025-06"), .init("15.14", "2025-11"),
        .init("15.15", "2025-12"), .init("15.17", "2026-04", pgvector: "0.8.1"), .init("15.18", "2026-08"), .init("15.19", nil),

        .init("16.1", "2024-01", pgvector: "0.5.1"), .init("16.2", "2024-04"), .init("16.3", "2024-08", pgvector: "0.7.0"),
        .init("16.4", "2024-09", pgvector: "0.7.3"), .init("16.6", "2024-12", pgvector: "0.7.4"), .init("16.8", "2025-04", pgvector: "0.8.0"),
        .init("16.9", "2025-06"), .init("16.10", "2025-11"), .init("16.11", "2025-12"), .init("16.13", "2026-04", pgvector: "0.8.1"),
        .init("16.14", "2026-08"), .init("16.15", nil),

        .init("17.4", "2025-05", pgvector: "0.8.0"), .init("17.5", "2025-06"), .init("17.6", "2025-11"), .init("17.7", "2025-12"),
        .init("17.9", "2026-04", pgvector: "0.8.1"), .init("17.10", "2026-08"), .init("17.11", nil),
    ]

    /// Its release, when it exists.
    public var release: AuroraPostgreSQLRelease? { Self.releases.first { $0.version == self } }

    /// The pgvector it ships: the release notes' figure for it, or for the newest earlier minor of its
    /// major that gives one (a minor whose notes name no update keeps the previous one).
    public var pgvector: String? {
        Self.releases.filter { $0.version.major == major && $0.version <= self }.reversed().lazy.compactMap(\.pgvector).first
    }

    /// The existing versions closest to this one: the neighbours in its major, or the newest of each
    /// major when its major has none.
    public var nearestReleases: [AuroraEngineVersion] {
        let sameMajor = Self.releases.map(\.version).filter { $0.major == major }
        guard !sameMajor.isEmpty else {
            return Dictionary(grouping: Self.releases.map(\.version), by: \.major).values.compactMap { $0.max() }.sorted()
        }
        let below = sameMajor.filter { $0 < self }.max(), above = sameMajor.filter { $0 > self }.min()
        return [below, above].compactMap { $0 }
    }
}
