import Templates

/// Prices the resources of a stage's templates: one model a billable type, a list of types that
/// cost nothing of their own, and "not priced" for everything else.
public struct CostModels: Sendable {
    public var prices: PriceTable
    public var profile: UsageProfile

    public init(prices: PriceTable, profile: UsageProfile) {
        self.prices = prices
        self.profile = profile
    }

    static let hours = PriceTable.hoursPerMonth

    /// Types with no charge of their own, with the reason where it is not obvious.
    static let freeTypes: [String: String] = [
        "AWS::IAM::Role": "no charge", "AWS::IAM::Policy": "no charge", "AWS::IAM::ManagedPolicy": "no charge",
        "AWS::IAM::InstanceProfile": "no charge",
        "AWS::EC2::VPC": "no charge", "AWS::EC2::Subnet": "no charge", "AWS::EC2::RouteTable": "no charge", "AWS::EC2::Route": "no charge",
        "AWS::EC2::SubnetRouteTableAssociation": "no charge", "AWS::EC2::SecurityGroup": "no charge",
        "AWS::EC2::SecurityGroupIngress": "no charge", "AWS::EC2::SecurityGroupEgress": "no charge",
        "AWS::EC2::InternetGateway": "no charge", "AWS::EC2::VPCGatewayAttachment": "no charge",
        "AWS::KMS::Alias": "no charge", "AWS::SecretsManager::SecretTargetAttachment": "no charge",
        "AWS::SecretsManager::ResourcePolicy": "no charge",
        "AWS::RDS::DBSubnetGroup": "no charge", "AWS::RDS::DBClusterParameterGroup": "no charge", "AWS::RDS::DBParameterGroup": "no charge",
        "AWS::Lambda::Permission": "no charge",
        "AWS::Lambda::EventSourceMapping": "no charge (Lambda's own reads of DynamoDB streams are free)",
        "AWS::ApiGatewayV2::Stage": "billed per request on its API", "AWS::ApiGatewayV2::Route": "billed per request on its API",
        "AWS::ApiGatewayV2::Integration": "billed per request on its API", "AWS::ApiGatewayV2::Authorizer": "billed per request on its API",
        "AWS::ApiGatewayV2::Deployment": "billed per request on its API",
        "AWS::OpenSearchServerless::SecurityPolicy": "no charge", "AWS::OpenSearchServerless::AccessPolicy": "no charge",
        "AWS::SecretsManager::RotationSchedule": "no charge of its own; the rotation function runs for seconds a month",
        "AWS::SNS::Topic": "no charge of its own; a month's first million publishes and 1,000 emails are free",
        "AWS::SNS::Subscription": "no charge",
    ]

    /// Every resource of every stack, in stack order then logical-ID order.
    public func estimate(name: String, stacks: [(name: String, template: TemplateTree)]) -> Estimate {
        let stage = StageFacts(stacks.map(\.template))
        var lines: [CostLine] = []
        for (stack, template) in stacks {
            guard case .map(let resources)? = template["Resources"] else { continue }
            for id in resources.keys.sorted() {
                guard let body = resources[id] else { continue }
                lines += price(stack: stack, id: id, body: body, in: template, stage: stage)
            }
        }
        return Estimate(name: name, region: prices.region, pricesReadOn: prices.readOn, profile: profile, lines: lines)
    }

    /// What the whole stage shares: how many log groups split the log volume, whether anything
    /// calls the Data API, which functions only CloudFormation invokes (custom resources).
    struct StageFacts {
        var logGroups = 0
        var grantsDataAPI = false
        var customResourceFunctions = Set<String>()
        /// Functions an event source mapping invokes (stream batches), not the API's requests.
        var streamFunctions = Set<String>()
        /// Functions Secrets Manager invokes on a rotation schedule, four times a rotation.
        var rotationFunctions = Set<String>()

        static let policyTypes: Set<String> = ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role"]

        init(_ templates: [TemplateTree]) {
            var functionRoles: [String: Set<String>] = [:]
            var dataAPIPolicies: [(id: String, roles: Set<String>)] = []
            for template in templates {
                guard case .map(let resources)? = template["Resources"] else { continue }
                for (id, resource) in resources {
                    guard let type = resource["Type"]?.text else { continue }
                    if type == "AWS::Logs::LogGroup" { logGroups += 1 }
                    if type.hasPrefix("Custom::") || type == "AWS::CloudFormation::CustomResource" {
                        customResourceFunctions.formUnion(resource["Properties"]?["ServiceToken"]?.referencedIds ?? [])
                    }
                    if type == "AWS::Lambda::EventSourceMapping" {
                        streamFunctions.formUnion(resource["Properties"]?["FunctionName"]?.referencedIds ?? [])
                    }
                    if type == "AWS::SecretsManager::RotationSchedule" {
                        rotationFunctions.formUnion(resource["Properties"]?["RotationLambdaARN"]?.referencedIds ?? [])
                    }
                    if type == "AWS::Lambda::Function" { functionRoles[id] = resource["Properties"]?["Role"]?.referencedIds ?? [] }
                    // Only policies can grant rds-data actions; the rest of the template is not searched.
                    guard Self.policyTypes.contains(type) else { continue }
                    var grants = false
                    resource["Properties"]?.visit { tree in
                        if let action = tree.text, action.hasPrefix("rds-data:") { grants = true }
                    }
                    if grants { dataAPIPolicies.append((id, resource["Properties"]?["Roles"]?.referencedIds ?? [])) }
                }
            }
            // The stage's requests reach the Data API when a role other than the rotation function's
            // may call it: the rotator's few statements a month are no traffic.
            let rotationRoles = rotationFunctions.reduce(into: Set<String>()) { $0.formUnion(functionRoles[$1] ?? []) }
            grantsDataAPI = dataAPIPolicies.contains { policy in
                !(rotationRoles.contains(policy.id) || (!policy.roles.isEmpty && policy.roles.isSubset(of: rotationRoles)))
            }
        }
    }

    func price(stack: String, id: String, body: TemplateTree, in template: TemplateTree, stage: StageFacts) -> [CostLine] {
        let type = body["Type"]?.text ?? "?"
        let properties = body["Properties"] ?? .map([:])
        // A conditional resource is priced as if its condition held: the estimate is the most it costs.
        let onlyWhere = body["Condition"]?.text.map { " (only where \($0) holds)" } ?? ""
        func line(_ fixed: Double, _ usage: Double, _ basis: String) -> [CostLine] {
            [CostLine(stack: stack, resource: id, type: type, pricing: .priced, fixed: fixed, usage: usage, basis: basis + onlyWhere)]
        }
        switch type {
        case "AWS::EC2::NatGateway":
            let gb = profile.networkGBPerMonth
            return line(Self.hours * prices.natGatewayHour.amount, gb * prices.natGatewayGB.amount,
                        "730 h × \(Money.price(prices.natGatewayHour.amount)) + \(Money.count(gb)) GB × \(Money.price(prices.natGatewayGB.amount))")
        case "AWS::EC2::EIP":
            return line(Self.hours * prices.publicIPv4Hour.amount, 0, "730 h × \(Money.price(prices.publicIPv4Hour.amount)) (public IPv4)")
        case "AWS::EC2::VPCEndpoint":
            return vpcEndpoint(properties, line: line)
        case "AWS::KMS::Key":
            return line(prices.kmsKeyMonth.amount, 0, "1 key × \(Money.price(prices.kmsKeyMonth.amount))/month (requests not modelled)")
        case "AWS::SecretsManager::Secret":
            return line(prices.secretMonth.amount, 0, "1 secret × \(Money.price(prices.secretMonth.amount))/month (API calls not modelled)")
        case "AWS::RDS::DBCluster":
            return auroraCluster(stack: stack, id: id, properties, in: template, stage: stage)
        case "AWS::RDS::DBInstance":
            if let cluster = properties["DBClusterIdentifier"]?["Ref"]?.text {
                return [CostLine(stack: stack, resource: id, type: type, pricing: .pricedWith(cluster), fixed: 0, usage: 0,
                                 basis: "capacity billed with its cluster \(cluster)")]
            }
        case "AWS::Lambda::Function" where stage.customResourceFunctions.contains(id):
            return line(0, 0, "invoked by CloudFormation on deploys only (custom resource): a few requests a month")
        case "AWS::Lambda::Function" where stage.rotationFunctions.contains(id):
            return line(0, 0, "invoked by Secrets Manager on its rotation schedule: a few requests a month")
        case "AWS::Lambda::Function" where stage.streamFunctions.contains(id):
            return line(0, 0, "invoked by event source mappings (stream batches): no stream traffic in the usage profile")
        case "AWS::Lambda::Function":
            return lambda(properties, line: line)
        case "AWS::Logs::LogGroup":
            return logGroup(properties, stage: stage, line: line)
        case "AWS::ApiGatewayV2::Api" where (properties["ProtocolType"]?.text ?? "HTTP") == "HTTP":
            let requests = profile.requestsPerMonth
            return line(0, requests / 1e6 * prices.httpAPIMillionRequests.amount,
                        "\(Money.count(requests)) requests × \(Money.price(prices.httpAPIMillionRequests.amount))/million")
        case "AWS::CloudWatch::Alarm":
            // Metric math is billed per metric it reads.
            let metrics: Int = {
                guard case .list(let queries)? = properties["Metrics"] else { return 1 }
                return queries.filter { $0["MetricStat"] != nil }.count
            }()
            let amount = Double(metrics) * prices.alarmMetricMonth.amount
            return line(amount, 0, "\(metrics) alarm metric\(metrics == 1 ? "" : "s") × \(Money.price(prices.alarmMetricMonth.amount))/month")
        case "AWS::CloudWatch::Dashboard":
            let amount = prices.dashboardMonth.amount
            return line(amount, 0, "1 dashboard × \(Money.price(amount))/month (an account's first 3 are free)")
        case "AWS::SQS::Queue":
            return line(0, 0, "\(Money.price(prices.sqsMillionRequests.amount))/million requests; no queue traffic in the usage profile")
        case "AWS::OpenSearchServerless::Collection":
            let standby = (properties["StandbyReplicas"]?.text ?? "ENABLED") == "ENABLED"
            let ocus = standby ? prices.openSearchMinimumOCUsWithStandby : prices.openSearchMinimumOCUsWithoutStandby
            let storage = profile.storedGB * prices.openSearchStorageGBMonth.amount
            return line(ocus * Self.hours * prices.openSearchOCUHour.amount + storage, 0,
                        "minimum \(Money.count(ocus)) OCU (standby replicas \(standby ? "on" : "off")) × 730 h × "
                            + "\(Money.price(prices.openSearchOCUHour.amount)) + \(Money.count(profile.storedGB)) GB × \(Money.price(prices.openSearchStorageGBMonth.amount))")
        default:
            if let why = Self.freeTypes[type] { return [.free(stack, id, type, why)] }
            if type.hasPrefix("Custom::") || type == "AWS::CloudFormation::CustomResource" {
                return [.free(stack, id, type, "no charge of its own; its function is priced")]
            }
        }
        return [CostLine(stack: stack, resource: id, type: type, pricing: .notPriced, fixed: 0, usage: 0, basis: "not priced")]
    }

    /// Gateway endpoints (S3, DynamoDB) are free; an interface endpoint is billed per AZ it sits in,
    /// which is one per subnet.
    func vpcEndpoint(_ properties: TemplateTree, line: (Double, Double, String) -> [CostLine]) -> [CostLine] {
        let kind = properties["VpcEndpointType"]?.text ?? "Gateway"
        guard kind == "Interface" else { return line(0, 0, "\(kind.lowercased()) endpoint: no charge") }
        var zones = 1, counted = "1 AZ (its subnets are not a literal list)"
        if case .list(let subnets)? = properties["SubnetIds"] {
            zones = subnets.count
            counted = "\(zones) AZ\(zones == 1 ? "" : "s") (one a subnet)"
        }
        let gb = profile.networkGBPerMonth
        return line(Double(zones) * Self.hours * prices.interfaceEndpointAZHour.amount, gb * prices.interfaceEndpointGB.amount,
                    "\(counted) × 730 h × \(Money.price(prices.interfaceEndpointAZHour.amount)) + \(Money.count(gb)) GB × \(Money.price(prices.interfaceEndpointGB.amount))")
    }

    /// Serverless v2: every `db.serverless` instance of the cluster runs between MinCapacity and
    /// MaxCapacity; the floor is MinCapacity all month (zero when MinCapacity is 0, which pauses),
    /// storage is paid whatever the traffic, and the Data API is billed per 32 KB request unit.
    func auroraCluster(stack: String, id: String, _ properties: TemplateTree, in template: TemplateTree, stage: StageFacts) -> [CostLine] {
        let type = "AWS::RDS::DBCluster"
        let scaling = properties["ServerlessV2ScalingConfiguration"]
        guard let minimum = scaling?["MinCapacity"]?.text.flatMap(Double.init) else {
            return [CostLine(stack: stack, resource: id, type: type, pricing: .notPriced, fixed: 0, usage: 0,
                             basis: "not priced: only Aurora Serverless v2 clusters are modelled")]
        }
        var instances = 0
        if case .map(let resources)? = template["Resources"] {
            instances = resources.values.filter {
                $0["Type"]?.text == "AWS::RDS::DBInstance" && $0["Properties"]?["DBClusterIdentifier"]?["Ref"]?.text == id
                    && $0["Properties"]?["DBInstanceClass"]?.text == "db.serverless"
            }.count
        }
        let optimized = properties["StorageType"]?.text == "aurora-iopt1"
        let acu = optimized ? prices.auroraIOOptimizedACUHour.amount : prices.auroraACUHour.amount
        let storagePrice = optimized ? prices.auroraIOOptimizedStorageGBMonth.amount : prices.auroraStorageGBMonth.amount
        let count = Double(instances)
        let floorACU = minimum * count * Self.hours * acu
        let storage = profile.storedGB * storagePrice
        let average = max(profile.averageACU, minimum)
        let capacity = (average - minimum) * count * Self.hours * acu
        let statements = profile.requestsPerMonth * profile.statementsPerRequest
        let io = optimized ? 0 : statements * profile.ioPerStatement / 1e6 * prices.auroraIOMillion.amount
        let floorText = minimum == 0 ? "0 ACU floor (MinCapacity 0 pauses)" : "\(Money.count(minimum)) ACU floor"
        var lines = [CostLine(
            stack: stack, resource: id, type: type, pricing: .priced, fixed: floorACU + storage, usage: capacity + io,
            basis: "\(instances) instance\(instances == 1 ? "" : "s") × \(floorText), \(Money.count(average)) ACU average × 730 h × "
                + "\(Money.price(acu)); \(Money.count(profile.storedGB)) GB × \(Money.price(storagePrice))"
                + (optimized ? " (I/O-Optimized: no I/O charge)" : "; \(Money.count(statements * profile.ioPerStatement)) I/Os × \(Money.price(prices.auroraIOMillion.amount))/million"))]
        if properties["EnableHttpEndpoint"]?.text == "true" && stage.grantsDataAPI {
            let units = max(1, (profile.averagePayloadBytes / Double(prices.dataAPIRequestUnitBytes)).rounded(.up))
            lines.append(CostLine(
                stack: stack, resource: "\(id) Data API", type: "RDS Data API", pricing: .priced, fixed: 0,
                usage: statements * units / 1e6 * prices.dataAPIMillion.amount,
                basis: "\(Money.count(statements)) calls × \(Money.count(units)) request unit\(units == 1 ? "" : "s") of 32 KB × "
                    + "\(Money.price(prices.dataAPIMillion.amount))/million"))
        }
        return lines
    }

    /// Requests plus GB-seconds at the function's memory and architecture.
    func lambda(_ properties: TemplateTree, line: (Double, Double, String) -> [CostLine]) -> [CostLine] {
        let memory = properties["MemorySize"]?.text.flatMap(Double.init) ?? 128
        var architecture = "x86_64"
        if case .list(let items)? = properties["Architectures"], let first = items.first?.text { architecture = first }
        let rate = architecture == "arm64" ? prices.lambdaGBSecondArm.amount : prices.lambdaGBSecondX86.amount
        let requests = profile.requestsPerMonth
        let gbSeconds = requests * profile.averageDurationMs / 1000 * memory / 1024
        return line(0, requests / 1e6 * prices.lambdaMillionRequests.amount + gbSeconds * rate,
                    "\(Money.count(requests)) requests × \(Money.price(prices.lambdaMillionRequests.amount))/million + "
                        + "\(Money.count(gbSeconds)) GB-s (\(Money.count(memory)) MB, \(architecture)) × \(Money.price(rate))")
    }

    /// The profile's log volume split evenly over the stage's log groups: ingestion, plus what the
    /// retention keeps stored (a group that never expires is counted at a year's worth).
    func logGroup(_ properties: TemplateTree, stage: StageFacts, line: (Double, Double, String) -> [CostLine]) -> [CostLine] {
        let share = stage.logGroups > 0 ? profile.logGBPerMonth / Double(stage.logGroups) : 0
        let retention = properties["RetentionInDays"]?.text.flatMap(Double.init) ?? 365
        let stored = share * min(retention, 365) / 30
        return line(0, share * prices.logsIngestedGB.amount + stored * prices.logsStoredGBMonth.amount,
                    "\(Money.count(share)) GB × \(Money.price(prices.logsIngestedGB.amount)) ingested + \(Money.count(stored)) GB kept "
                        + "(\(Money.count(retention)) days) × \(Money.price(prices.logsStoredGBMonth.amount))")
    }
}
