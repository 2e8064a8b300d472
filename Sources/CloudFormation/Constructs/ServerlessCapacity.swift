import DSLCore

/// Serverless v2 capacity in Aurora capacity units, and auto-pause when the minimum is 0.
public struct ServerlessCapacity: Sendable, Equatable {
    public var minimum: Double
    public var maximum: Double
    /// Idle seconds before a cluster at 0 ACU pauses; only with `minimum == 0`.
    public var secondsUntilAutoPause: Int?

    /// Where it was written (a stage's setting), so a problem with it points there; not part of its value.
    public var location: SourceLocation?

    public init(minimum: Double, maximum: Double, secondsUntilAutoPause: Int? = nil, filePath: String = #filePath, line: Int = #line) {
        self.minimum = minimum
        self.maximum = maximum
        self.secondsUntilAutoPause = secondsUntilAutoPause
        location = SourceLocation(filePath: filePath, line: line)
    }

    public static func == (a: Self, b: Self) -> Bool {
        (a.minimum, a.maximum, a.secondsUntilAutoPause) == (b.minimum, b.maximum, b.secondsUntilAutoPause)
    }

    /// The cluster's `ServerlessV2ScalingConfiguration`.
    public var scaling: Typed<DBCluster.ServerlessV2ScalingConfiguration> {
        .init {
            $0.minCapacity = .double(minimum)
            $0.maxCapacity = .double(maximum)
            $0.secondsUntilAutoPause = secondsUntilAutoPause.map(Typed.int)
        }
    }

    /// What is wrong with this capacity on `version`, as sentences that say what to change.
    func problems(on version: AuroraEngineVersion) -> [String] {
        var problems: [String] = []
        for (name, amount) in [("MinCapacity", minimum), ("MaxCapacity", maximum)] where (amount * 2).rounded() != amount * 2 || amount < 0 {
            problems.append("\(name) \(Value.format(amount)) is not a multiple of 0.5 ACU; use a value like \(Value.format(max(0, (amount * 2).rounded() / 2)))")
        }
        if maximum < 1 { problems.append("MaxCapacity \(Value.format(maximum)) is below 1 ACU; raise it to at least 1") }
        if maximum < minimum {
            problems.append("MaxCapacity \(Value.format(maximum)) is below MinCapacity \(Value.format(minimum)); raise MaxCapacity or lower MinCapacity")
        }
        if maximum > version.maximumCapacity {
            problems.append("MaxCapacity \(Value.format(maximum)) exceeds the \(Value.format(version.maximumCapacity)) ACU that aurora-postgresql \(version) allows")
        }
        if minimum == 0, let needed = version.scaleToZeroMinimum, version < needed {
            problems.append("MinCapacity 0 needs aurora-postgresql ≥ \(needed) (got \(version)); raise engineVersion or set MinCapacity to 0.5")
        }
        if let seconds = secondsUntilAutoPause {
            if minimum != 0 {
                problems.append("SecondsUntilAutoPause is set but MinCapacity is \(Value.format(minimum)); auto-pause needs MinCapacity 0, so remove it or set MinCapacity to 0")
            }
            if !(300...86_400).contains(seconds) {
                problems.append("SecondsUntilAutoPause \(seconds) is outside 300–86,400 seconds")
            }
        }
        return problems
    }
}
