import CostEstimate
import Testing
import YAML
import Templates

/// Each cost model against a figure computed by hand, with the formula written out.
@Suite struct CostModelTests {
    static let prices = PriceTable.usEast1

    func estimate(_ yaml: String, _ profile: UsageProfile = .idle) throws -> Estimate {
        CostModels(prices: Self.prices, profile: profile).estimate(name: "test", stacks: [("stack", TemplateTree(try Parser.parse(yaml)))])
    }

    func line(_ estimate: Estimate, _ resource: String) throws -> CostLine {
        try #require(estimate.lines.first { $0.resource == resource }, "\(estimate.lines.map(\.resource))")
    }

    static func cluster(minimum: String, instances: Int, extra: String = "") -> String {
        """
        Resources:
          Db:
            Type: AWS::RDS::DBCluster
            Properties:
              Engine: aurora-postgresql
              EnableHttpEndpoint: true
              ServerlessV2ScalingConfiguration: {MinCapacity: \(minimum), MaxCapacity: 4\(minimum == "0" ? ", SecondsUntilAutoPause: 600" : "")}
        \(extra)
        """ + (0..<instances).map { """

          Instance\($0):
            Type: AWS::RDS::DBInstance
            Properties: {DBInstanceClass: db.serverless, DBClusterIdentifier: !Ref Db, Engine: aurora-postgresql}
        """ }.joined()
    }

    @Test func theACUFloorIsMinimumCapacityTimesInstancesTimesHours() throws {
        // 0.5 ACU × 2 instances × 730 h × $0.12 = $87.60, with nothing stored.
        let floor = try line(try estimate(Self.cluster(minimum: "0.5", instances: 2)), "Db")
        #expect(abs(floor.fixed - 0.5 * 2 * 730 * 0.12) < 1e-9 && abs(floor.fixed - 87.60) < 1e-9)
        #expect(floor.usage == 0)
        // The instances are billed with their cluster, not again.
        #expect(try line(try estimate(Self.cluster(minimum: "0.5", instances: 2)), "Instance0").pricing == .pricedWith("Db"))
    }

    @Test func aClusterThatPausesHasNoACUFloorButStillPaysForStorage() throws {
        var profile = UsageProfile.idle
        profile.storedGB = 20
        let paused = try line(try estimate(Self.cluster(minimum: "0", instances: 1), profile), "Db")
        // 0 ACU × 1 × 730 h × $0.12 + 20 GB × $0.10 = $2.00.
        #expect(abs(paused.fixed - 20 * 0.10) < 1e-9)
        // At 0.25 ACU on average: 0.25 × 730 × $0.12 = $21.90 on top.
        profile.averageACU = 0.25
        let used = try line(try estimate(Self.cluster(minimum: "0", instances: 1), profile), "Db")
        #expect(abs(used.usage - 0.25 * 730 * 0.12) < 1e-9)
    }

    @Test func ioOptimizedStoragePaysMoreAndNoIO() throws {
        var profile = UsageProfile.idle
        profile.storedGB = 10
        profile.requestsPerMonth = 1_000_000
        profile.statementsPerRequest = 1
        let standard = try line(try estimate(Self.cluster(minimum: "1", instances: 1), profile), "Db")
        // Standard: 1 × 730 × $0.12 + 10 × $0.10 = $88.60 floor; 1,000,000 × 2 I/Os × $0.20/million = $0.40.
        #expect(abs(standard.fixed - (730 * 0.12 + 10 * 0.10)) < 1e-9 && abs(standard.usage - 0.40) < 1e-9)
        let optimized = try line(try estimate(Self.cluster(minimum: "1", instances: 1, extra: "      StorageType: aurora-iopt1"), profile), "Db")
        // I/O-Optimized: 1 × 730 × $0.156 + 10 × $0.225 = $116.13; no I/O charge.
        #expect(abs(optimized.fixed - (730 * 0.156 + 10 * 0.225)) < 1e-9 && optimized.usage == 0)
    }

    static let dataAPIGrant = """

          Policy:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: data
              PolicyDocument: {Statement: [{Effect: Allow, Action: ["rds-data:ExecuteStatement"], Resource: "*"}]}
        """

    @Test func theDataAPICountsEachStarted32KBAsOneRequest() throws {
        var profile = UsageProfile.idle
        profile.requestsPerMonth = 1_000_000
        profile.statementsPerRequest = 3
        profile.averagePayloadBytes = 40_000
        // 40,000 bytes is two 32 KB units (32,768 each): 1,000,000 × 3 calls × 2 units × $0.35/million = $2.10.
        let twoUnits = try line(try estimate(Self.cluster(minimum: "0", instances: 1) + Self.dataAPIGrant, profile), "Db Data API")
        #expect(abs(twoUnits.usage - 1_000_000 * 3 * 2 / 1e6 * 0.35) < 1e-9 && abs(twoUnits.usage - 2.10) < 1e-9)
        profile.averagePayloadBytes = 32_768
        let oneUnit = try line(try estimate(Self.cluster(minimum: "0", instances: 1) + Self.dataAPIGrant, profile), "Db Data API")
        #expect(abs(oneUnit.usage - 1.05) < 1e-9)
        // Nothing grants rds-data: the function does not use the Data API, so it is not priced.
        #expect(try estimate(Self.cluster(minimum: "0", instances: 1), profile).lines.allSatisfy { $0.resource != "Db Data API" })
    }

    static func function(_ architecture: String?) -> String {
        """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              MemorySize: 1024
        \(architecture.map { "      Architectures: [\($0)]" } ?? "")
        """
    }

    @Test(arguments: [("arm64", 0.0000133334), ("x86_64", 0.0000166667)])
    func lambdaIsRequestsPlusGBSeconds(_ architecture: String, _ rate: Double) throws {
        var profile = UsageProfile.idle
        profile.requestsPerMonth = 1_000_000
        profile.averageDurationMs = 200
        // 1,000,000 × 0.2 s × 1 GB = 200,000 GB-s × rate + 1,000,000 × $0.20/million.
        let expected = 200_000 * rate + 0.20
        #expect(abs(try line(try estimate(Self.function(architecture), profile), "Fn").usage - expected) < 1e-9)
        #expect(abs(expected - (architecture == "arm64" ? 2.86668 : 3.53334)) < 1e-9)
    }

    @Test func lambdaDefaultsToX86And128MB() throws {
        var profile = UsageProfile.idle
        profile.requestsPerMonth = 1_000_000
        profile.averageDurationMs = 1_000
        let yaml = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Handler: bootstrap}\n"
        // 1,000,000 × 1 s × 0.125 GB = 125,000 GB-s × $0.0000166667 + $0.20.
        #expect(abs(try line(try estimate(yaml, profile), "Fn").usage - (125_000 * 0.0000166667 + 0.20)) < 1e-9)
    }

    @Test func aFunctionOnlyACustomResourceInvokesIsNotPricedAtTheRequestVolume() throws {
        var profile = UsageProfile.idle
        profile.requestsPerMonth = 1_000_000
        profile.averageDurationMs = 200
        let yaml = """
            Resources:
              Api:
                Type: AWS::Lambda::Function
                Properties: {MemorySize: 1024}
              Migrator:
                Type: AWS::Lambda::Function
                Properties: {MemorySize: 1024}
              Schema:
                Type: Custom::ChatSchema
                Properties: {ServiceToken: !GetAtt Migrator.Arn, Fingerprint: sha256:x}
            """
        let estimate = try estimate(yaml, profile)
        #expect(abs(try line(estimate, "Api").usage - (200_000 * 0.0000166667 + 0.20)) < 1e-9)
        let migrator = try line(estimate, "Migrator")
        #expect(migrator.usage == 0 && migrator.fixed == 0 && migrator.basis.contains("on deploys only"))
    }

    @Test func aNATGatewayIsHoursPlusGigabytes() throws {
        var profile = UsageProfile.idle
        profile.networkGBPerMonth = 100
        let nat = try line(try estimate("Resources:\n  Nat:\n    Type: AWS::EC2::NatGateway\n    Properties: {SubnetId: subnet-1}\n", profile), "Nat")
        // 730 h × $0.045 = $32.85 whatever the traffic; 100 GB × $0.045 = $4.50 on top.
        #expect(abs(nat.fixed - 730 * 0.045) < 1e-9 && abs(nat.fixed - 32.85) < 1e-9)
        #expect(abs(nat.usage - 100 * 0.045) < 1e-9)
    }

    @Test func interfaceEndpointsPayForEachAZTheirSubnetsAreIn() throws {
        let yaml = """
            Resources:
              ThreeZones:
                Type: AWS::EC2::VPCEndpoint
                Properties: {VpcEndpointType: Interface, ServiceName: secretsmanager, VpcId: vpc-1, SubnetIds: [a, b, c]}
              FromParameter:
                Type: AWS::EC2::VPCEndpoint
                Properties: {VpcEndpointType: Interface, ServiceName: logs, VpcId: vpc-1, SubnetIds: !Ref Subnets}
              S3:
                Type: AWS::EC2::VPCEndpoint
                Properties: {ServiceName: s3, VpcId: vpc-1, RouteTableIds: [rt-1]}
            """
        let estimate = try estimate(yaml)
        // 3 subnets → 3 AZs × 730 h × $0.01 = $21.90.
        #expect(abs(try line(estimate, "ThreeZones").fixed - 3 * 730 * 0.01) < 1e-9)
        // Subnets that are not a literal list are counted as one AZ, and the basis says so.
        let unknown = try line(estimate, "FromParameter")
        #expect(abs(unknown.fixed - 7.30) < 1e-9 && unknown.basis.contains("not a literal list"))
        // A gateway endpoint (the default type) costs nothing.
        #expect(try line(estimate, "S3").fixed == 0)
    }

    @Test func typesWithoutAModelAreListedNotCounted() throws {
        let estimate = try estimate("Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n  Role:\n    Type: AWS::IAM::Role\n    Properties: {}\n")
        #expect(estimate.notPriced.map(\.resource) == ["Stream"])
        #expect(try line(estimate, "Role").pricing == .free)
        #expect(estimate.text().contains("not priced: stack Stream (AWS::Kinesis::Stream)"))
    }

    @Test func alarmsAreBilledPerMetricTheyReadAndDashboardsMonthly() throws {
        let estimate = try estimate("""
            Resources:
              One:
                Type: AWS::CloudWatch::Alarm
                Properties: {MetricName: CPUUtilization, Namespace: AWS/RDS}
              Math:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  Metrics:
                  - {Id: e1, Expression: 100 * a / b}
                  - {Id: a, MetricStat: {Metric: {MetricName: 5xx}, Period: 300, Stat: Sum}}
                  - {Id: b, MetricStat: {Metric: {MetricName: Count}, Period: 300, Stat: Sum}}
              Board:
                Type: AWS::CloudWatch::Dashboard
                Properties: {DashboardBody: '{}'}

            """)
        #expect(abs(try line(estimate, "One").fixed - 0.10) < 1e-9)
        let math = try line(estimate, "Math")
        #expect(abs(math.fixed - 0.20) < 1e-9 && math.basis.hasPrefix("2 alarm metrics"))
        #expect(abs(try line(estimate, "Board").fixed - 3.00) < 1e-9)
    }

    /// A resource under a template condition counts in full (the estimate is the most it costs), and
    /// its line says when it exists.
    @Test func aConditionalResourceCountsInFullAndSaysWhenItExists() throws {
        let estimate = try estimate("""
            Conditions:
              HasStream: !Equals [a, a]
            Resources:
              Waiting:
                Type: AWS::CloudWatch::Alarm
                Condition: HasStream
                Properties: {MetricName: ApproximateNumberOfMessagesVisible, Namespace: AWS/SQS}

            """)
        let waiting = try line(estimate, "Waiting")
        #expect(abs(waiting.fixed - 0.10) < 1e-9 && waiting.basis.hasSuffix("(only where HasStream holds)"))
    }

    @Test func openSearchServerlessBillsItsMinimumOCUs() throws {
        let yaml = "Resources:\n  Search:\n    Type: AWS::OpenSearchServerless::Collection\n    Properties: {Name: bots, Type: VECTORSEARCH}\n"
        // Standby replicas (the default): 2 OCU × 730 h × $0.24 = $350.40; without: 1 OCU, $175.20.
        #expect(abs(try line(try estimate(yaml), "Search").fixed - 350.40) < 1e-9)
        let single = yaml.replacingEvery("Type: VECTORSEARCH}", with: "Type: VECTORSEARCH, StandbyReplicas: DISABLED}")
        #expect(abs(try line(try estimate(single), "Search").fixed - 175.20) < 1e-9)
    }

    @Test func moneyIsPrintedToTheCent() {
        #expect(Money.dollars(32.845) == "$32.85" && Money.dollars(-3.65, signed: true) == "-$3.65")
        #expect(Money.dollars(1234.5, signed: true) == "+$1,234.50" && Money.dollars(0.001, signed: true) == "$0.00")
        #expect(Money.price(0.045) == "$0.045" && Money.price(0.0000166667) == "$0.0000166667" && Money.price(1) == "$1.00")
        #expect(Money.count(3_000_000) == "3,000,000" && Money.count(0.25) == "0.25" && Money.count(0.5) == "0.5")
    }

    @Test func badUsageAndUnknownRegionsAreErrorsThatSayWhatToChange() {
        var profile = UsageProfile.idle
        profile.averageACU = -1
        #expect(throws: CostError.invalidUsage("--average-acu must be a number ≥ 0 (got -1.0)")) { try profile.validated() }
        #expect(throws: CostError.unknownRegion("eu-west-9", known: ["us-east-1"])) { try PriceTable.forRegion("eu-west-9") }
    }
}
