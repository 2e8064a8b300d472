import DSLCore

/// An aurora-postgresql engine version and what Serverless v2 can do with it (facts from the Aurora
/// user guide's pages on the Data API and Serverless v2 capacity, and the Aurora PostgreSQL release notes).
public struct AuroraEngineVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    /// Where it was written (a stage's setting), so a problem with it points there; not part of its value.
    public let location: SourceLocation?

    /// Parses `16.6`; nil for anything else.
    public init?(_ text: String, filePath: String = #filePath, line: Int = #line) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major > 0, minor >= 0 else { return nil }
        self.init(major: major, minor: minor, filePath: filePath, line: line)
    }

    public init(major: Int, minor: Int, filePath: String = #filePath, line: Int = #line) {
        self.major = major
        self.minor = minor
        location = SourceLocation(filePath: filePath, line: line)
    }

    public static func == (a: Self, b: Self) -> Bool { (a.major, a.minor) == (b.major, b.minor) }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    /// Majors this generator knows the Serverless v2 limits of.
    public static let supportedMajors = 13...17

    /// Per major, the first minor with each capability. A list of five, searched: a dictionary keyed
    /// by Int cost a run-time lookup of Int's hashing, more than the search.
    private static let minimums: [(major: Int, dataAPI: Int, scaleToZero: Int, maxCapacity256: Int)] = [
        (13, 11, 15, 13), (14, 8, 12, 10), (15, 3, 7, 5), (16, 1, 3, 1), (17, 4, 4, 4),
    ]

    private var minimums: (major: Int, dataAPI: Int, scaleToZero: Int, maxCapacity256: Int)? { Self.minimums.first { $0.major == major } }

    /// The first version of this major with the Data API on Serverless v2.
    public var dataAPIMinimum: AuroraEngineVersion? { minimums.map { .init(major: major, minor: $0.dataAPI) } }
    /// The first version of this major that can scale to 0 ACU (auto-pause).
    public var scaleToZeroMinimum: AuroraEngineVersion? { minimums.map { .init(major: major, minor: $0.scaleToZero) } }
    /// The largest MaxCapacity this version accepts.
    public var maximumCapacity: Double {
        guard let row = minimums else { return 128 }
        return minor >= row.maxCapacity256 ? 256 : 128
    }

    /// The DB cluster parameter group family.
    public var parameterGroupFamily: String { "aurora-postgresql\(major)" }
}
