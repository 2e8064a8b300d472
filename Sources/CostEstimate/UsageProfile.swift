/// The traffic a stage is priced at: what the usage-based part of an estimate assumes. Declared per
/// stage in `stacks/`, printed with every estimate, and overridable from the command line.
public struct UsageProfile: Sendable, Equatable {
    /// Requests to the chat function a month (each is one Lambda invocation).
    public var requestsPerMonth: Double
    /// Average Lambda duration, milliseconds.
    public var averageDurationMs: Double
    /// SQL statements a request runs (each a Data API call on the Data API backend).
    public var statementsPerRequest: Double
    /// Request plus response bytes of one statement's Data API call.
    public var averagePayloadBytes: Double
    /// Data the cluster stores, GB.
    public var storedGB: Double
    /// Average capacity a database instance runs at over the month, ACUs (at least its minimum).
    public var averageACU: Double
    /// Log data the stage's log groups ingest a month, GB.
    public var logGBPerMonth: Double
    /// Storage I/O requests a statement causes on Aurora Standard.
    public var ioPerStatement: Double
    /// Bytes through each NAT gateway and each interface endpoint a month, GB.
    public var networkGBPerMonth: Double

    public init(requestsPerMonth: Double, averageDurationMs: Double, statementsPerRequest: Double, averagePayloadBytes: Double,
                storedGB: Double, averageACU: Double, logGBPerMonth: Double, ioPerStatement: Double = 2, networkGBPerMonth: Double = 0) {
        self.requestsPerMonth = requestsPerMonth
        self.averageDurationMs = averageDurationMs
        self.statementsPerRequest = statementsPerRequest
        self.averagePayloadBytes = averagePayloadBytes
        self.storedGB = storedGB
        self.averageACU = averageACU
        self.logGBPerMonth = logGBPerMonth
        self.ioPerStatement = ioPerStatement
        self.networkGBPerMonth = networkGBPerMonth
    }

    /// No traffic at all: what `synth cost TEMPLATE…` assumes unless told otherwise.
    public static let idle = UsageProfile(requestsPerMonth: 0, averageDurationMs: 0, statementsPerRequest: 0, averagePayloadBytes: 0,
                                          storedGB: 0, averageACU: 0, logGBPerMonth: 0)

    /// Every figure is a finite number ≥ 0.
    public func validated() throws(CostError) -> UsageProfile {
        let fields: [(String, Double)] = [
            ("requests-per-month", requestsPerMonth), ("average-duration-ms", averageDurationMs), ("statements-per-request", statementsPerRequest),
            ("payload-bytes", averagePayloadBytes), ("stored-gb", storedGB), ("average-acu", averageACU), ("log-gb", logGBPerMonth),
            ("io-per-statement", ioPerStatement), ("network-gb", networkGBPerMonth),
        ]
        for (name, value) in fields where !value.isFinite || value < 0 {
            throw .invalidUsage("--\(name) must be a number ≥ 0 (got \(value))")
        }
        return self
    }

    /// One line for the top of an estimate.
    public var summary: String {
        "\(Money.count(requestsPerMonth)) requests/month, \(Money.count(averageDurationMs)) ms each, \(Money.count(statementsPerRequest)) statements "
            + "of \(Money.count(averagePayloadBytes)) bytes, \(Money.count(storedGB)) GB stored, \(Money.count(averageACU)) ACU average, "
            + "\(Money.count(logGBPerMonth)) GB of logs" + (networkGBPerMonth > 0 ? ", \(Money.count(networkGBPerMonth)) GB through each NAT gateway or endpoint" : "")
    }
}
