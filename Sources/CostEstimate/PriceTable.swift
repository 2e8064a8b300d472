/// On-demand list prices, as data: one table a region, each figure with the AWS pricing page it
/// comes from. To refresh: open each `source` page, update `amount`, and set `readOn` to the day
/// you read them; `swift test` then shows every estimate that moved (the README's table included).
public struct PriceTable: Sendable {
    public struct Price: Sendable {
        /// US dollars per `unit`.
        public var amount: Double
        public var unit: String
        public var source: String
    }

    public var region: String
    /// The day the figures were read from the pages.
    public var readOn: String

    // Aurora PostgreSQL Serverless v2
    public var auroraACUHour: Price
    public var auroraIOOptimizedACUHour: Price
    public var auroraStorageGBMonth: Price
    public var auroraIOOptimizedStorageGBMonth: Price
    public var auroraIOMillion: Price
    public var auroraBackupGBMonth: Price
    // The RDS Data API (first billion requests a month); each started 32 KB of request plus response is one request.
    public var dataAPIMillion: Price
    public var dataAPIRequestUnitBytes = 32 * 1024
    // Networking
    public var natGatewayHour: Price
    public var natGatewayGB: Price
    public var publicIPv4Hour: Price
    public var interfaceEndpointAZHour: Price
    public var interfaceEndpointGB: Price
    // Secrets and keys
    public var secretMonth: Price
    public var secretsManagerTenThousandCalls: Price
    public var kmsKeyMonth: Price
    public var kmsTenThousandRequests: Price
    // CloudWatch Logs
    public var logsIngestedGB: Price
    public var logsStoredGBMonth: Price
    public var alarmMetricMonth: Price
    public var dashboardMonth: Price
    // Lambda
    public var lambdaMillionRequests: Price
    public var lambdaGBSecondX86: Price
    public var lambdaGBSecondArm: Price
    // The rest
    public var httpAPIMillionRequests: Price
    public var sqsMillionRequests: Price
    public var dynamoDBStreamsHundredThousandReads: Price
    public var openSearchOCUHour: Price
    public var openSearchStorageGBMonth: Price
    /// OpenSearch Serverless scales a collection down to 1 OCU for indexing and 1 for search with
    /// standby replicas (0.5 + 0.5 without), and bills that floor even with no traffic.
    public var openSearchMinimumOCUsWithStandby: Double
    public var openSearchMinimumOCUsWithoutStandby: Double

    /// Hours in the average month, as AWS's own calculator counts them.
    public static let hoursPerMonth = 730.0

    public static let tables: [String: PriceTable] = ["us-east-1": usEast1]

    /// The table for `region`, or an error naming the regions there are tables for.
    public static func forRegion(_ region: String) throws(CostError) -> PriceTable {
        guard let table = tables[region] else {
            throw CostError.unknownRegion(region, known: tables.keys.sorted())
        }
        return table
    }
}

extension PriceTable {
    static let aurora = "https://aws.amazon.com/rds/aurora/pricing/"
    static let vpc = "https://aws.amazon.com/vpc/pricing/"
    static let privateLink = "https://aws.amazon.com/privatelink/pricing/"

    public static let usEast1 = PriceTable(
        region: "us-east-1", readOn: "2026-12-01",
        auroraACUHour: Price(amount: 0.12, unit: "ACU-hour (Aurora Standard)", source: aurora),
        auroraIOOptimizedACUHour: Price(amount: 0.156, unit: "ACU-hour (Aurora I/O-Optimized)", source: aurora),
        auroraStorageGBMonth: Price(amount: 0.10, unit: "GB-month (Aurora Standard)", source: aurora),
        auroraIOOptimizedStorageGBMonth: Price(amount: 0.225, unit: "GB-month (Aurora I/O-Optimized)", source: aurora),
        auroraIOMillion: Price(amount: 0.20, unit: "million I/O requests (Aurora Standard)", source: aurora),
        auroraBackupGBMonth: Price(amount: 0.021, unit: "GB-month of backup beyond the free allowance", source: aurora),
        dataAPIMillion: Price(amount: 0.35, unit: "million Data API requests (first billion a month)", source: aurora),
        natGatewayHour: Price(amount: 0.045, unit: "NAT gateway-hour", source: vpc),
        natGatewayGB: Price(amount: 0.045, unit: "GB processed by a NAT gateway", source: vpc),
        publicIPv4Hour: Price(amount: 0.005, unit: "public IPv4 address-hour", source: vpc),
        interfaceEndpointAZHour: Price(amount: 0.01, unit: "interface endpoint-hour per AZ", source: privateLink),
        interfaceEndpointGB: Price(amount: 0.01, unit: "GB processed by an interface endpoint", source: privateLink),
        secretMonth: Price(amount: 0.40, unit: "secret-month", source: "https://aws.amazon.com/secrets-manager/pricing/"),
        secretsManagerTenThousandCalls: Price(amount: 0.05, unit: "10,000 API calls", source: "https://aws.amazon.com/secrets-manager/pricing/"),
        kmsKeyMonth: Price(amount: 1.00, unit: "customer managed key-month", source: "https://aws.amazon.com/kms/pricing/"),
        kmsTenThousandRequests: Price(amount: 0.03, unit: "10,000 requests", source: "https://aws.amazon.com/kms/pricing/"),
        logsIngestedGB: Price(amount: 0.50, unit: "GB ingested (standard class)", source: "https://aws.amazon.com/cloudwatch/pricing/"),
        logsStoredGBMonth: Price(amount: 0.03, unit: "GB-month archived", source: "https://aws.amazon.com/cloudwatch/pricing/"),
        alarmMetricMonth: Price(amount: 0.10, unit: "alarm metric-month (standard resolution)", source: "https://aws.amazon.com/cloudwatch/pricing/"),
        dashboardMonth: Price(amount: 3.00, unit: "dashboard-month (an account's first 3 are free; not modelled)", source: "https://aws.amazon.com/cloudwatch/pricing/"),
        lambdaMillionRequests: Price(amount: 0.20, unit: "million requests", source: "https://aws.amazon.com/lambda/pricing/"),
        lambdaGBSecondX86: Price(amount: 0.0000166667, unit: "GB-second (x86_64)", source: "https://aws.amazon.com/lambda/pricing/"),
        lambdaGBSecondArm: Price(amount: 0.0000133334, unit: "GB-second (arm64)", source: "https://aws.amazon.com/lambda/pricing/"),
        httpAPIMillionRequests: Price(amount: 1.00, unit: "million HTTP API requests (first 300 million)", source: "https://aws.amazon.com/api-gateway/pricing/"),
        sqsMillionRequests: Price(amount: 0.40, unit: "million standard-queue requests", source: "https://aws.amazon.com/sqs/pricing/"),
        dynamoDBStreamsHundredThousandReads: Price(amount: 0.02, unit: "100,000 stream read request units", source: "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
        openSearchOCUHour: Price(amount: 0.24, unit: "OCU-hour (OpenSearch Serverless)", source: "https://aws.amazon.com/opensearch-service/pricing/"),
        openSearchStorageGBMonth: Price(amount: 0.024, unit: "GB-month of managed storage", source: "https://aws.amazon.com/opensearch-service/pricing/"),
        openSearchMinimumOCUsWithStandby: 2, openSearchMinimumOCUsWithoutStandby: 1)
}

public enum CostError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownRegion(String, known: [String])
    case invalidUsage(String)

    public var description: String {
        switch self {
        case .unknownRegion(let region, let known):
            "no price table for region \(region); the table has \(known.joined(separator: ", ")) (see Sources/CostEstimate/PriceTable.swift to add one)"
        case .invalidUsage(let message): message
        }
    }
}
