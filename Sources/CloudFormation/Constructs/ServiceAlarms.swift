import DSLCore
import JSONText

/// Where a stage's alarms go off. Each is a stage setting (`stacks/Stages.swift`).
public struct AlarmThresholds: Sendable {
    /// `ACUUtilization`: percent of the cluster's maximum capacity in use.
    public var acuUtilizationPercent: Double = 90
    /// `CPUUtilization`: the seed keeps Aurora's CPU below 50 %.
    public var cpuUtilizationPercent: Double = 50
    /// `DatabaseConnections` above this fraction of `max_connections` at the maximum capacity.
    public var connectionsFraction: Double = 0.8
    /// `FreeableMemory` below this many MiB.
    public var freeableMemoryMiB: Double = 256
    /// `ServerlessDatabaseCapacity` at the maximum for this many minutes (a multiple of 5).
    public var capacityAtMaximumMinutes: Int = 15
    /// The API function's `Duration` p95 above this fraction of its timeout.
    public var durationFractionOfTimeout: Double = 0.8
    /// The HTTP API's 5xx responses above this percent of its requests.
    public var api5xxPercent: Double = 1
    /// The HTTP API's latency p95 above this many milliseconds.
    public var apiLatencyP95Milliseconds: Double = 3_000

    public init() {}
}

/// The alarms a chat stage is watched by, and a dashboard of the same metrics: Aurora's capacity,
/// CPU, connections and memory, the API function's errors, throttles and duration, and the HTTP
/// API's 5xx rate and latency. Alarms notify an SNS topic encrypted with `key` (which must allow
/// CloudWatch alarms), whose email subscriber is the `AlarmEmail` parameter (none when it is empty).
///
/// Missing data never alarms: an auto-paused cluster at 0 ACU publishes no CPU, memory or
/// connection figures, and a function or API nobody calls publishes no errors or latency.
public struct ServiceAlarms: StackContent {
    public let topic: Topic
    public let email: Parameter
    public let hasEmail: ConditionDeclaration
    public let subscription: Subscription
    public let alarms: [Alarm]
    public let dashboard: Dashboard
    let location: SourceLocation
    let thresholds: AlarmThresholds

    /// A metric, or metric math over metrics, and the alarm on it.
    struct Watch {
        var name: String
        var title: String
        var metrics: [Metric]
        /// Metric math over the metrics' ids; nil alarms on the single metric.
        var expression: String?
        var comparison: Alarm.ComparisonOperator
        var threshold: Double
        var periods: Int
    }

    struct Metric {
        var id: String
        var namespace: String
        var name: String
        /// The metric's one dimension, and the resource whose name it takes.
        var dimension: String
        var of: Watched
        /// `Average`, `Sum`, `Maximum`, `Minimum`, or a percentile such as `p95`.
        var stat: String
    }

    /// The resources the metrics are about; a raw value is the dashboard's `Fn::Sub` variable for it.
    enum Watched: String, CaseIterable {
        case cluster, function, api
    }

    /// The names (`Ref`s) the metrics' dimensions take.
    struct Names {
        var cluster: Typed<String>
        var function: Typed<String>
        var api: Typed<String>

        func callAsFunction(_ watched: Watched) -> Typed<String> {
            switch watched {
            case .cluster: cluster
            case .function: function
            case .api: api
            }
        }
    }

    static let period = 300

    public init(_ logicalId: String, thresholds: AlarmThresholds, cluster: AuroraServerlessCluster, function: ServerlessFunction,
                api: AuthenticatedHTTPAPI, key: EncryptionKey, filePath: String = #filePath, line: Int = #line) {
        location = SourceLocation(filePath: filePath, line: line)
        self.thresholds = thresholds
        let topic = Topic("\(logicalId)Topic") {
            $0.displayName = "Chat alarms"
            $0.kmsMasterKeyId = key.arn
        }
        let email = Parameter("AlarmEmail", description: "Email address alarm notifications go to (empty: none; subscribe others to the topic)",
                              default: "", allowedPattern: "^$|^[^@\\s]+@[^@\\s]+$")
        let hasEmail = ConditionDeclaration("HasAlarmEmail", .not(.equals(email.ref, "")))
        (self.topic, self.email, self.hasEmail) = (topic, email, hasEmail)
        subscription = Subscription("\(logicalId)EmailSubscription") {
            $0.topicArn = topic.ref
            $0.protocol = "email"
            $0.endpoint = email.ref
        }.condition(hasEmail)

        let watches = Self.watches(thresholds, cluster: cluster, function: function)
        let names = Names(cluster: cluster.cluster.ref, function: function.function.ref, api: api.api.ref)
        alarms = watches.map { watch in
            Alarm("\(logicalId)\(watch.name)") {
                $0.alarmDescription = .string(watch.title)
                if let expression = watch.expression {
                    let formula = Typed<Alarm.MetricDataQuery> {
                        $0.id = "e1"
                        $0.expression = .string(expression)
                        $0.label = .string(watch.title)
                        $0.returnData = true
                    }
                    $0.metrics = .list([formula] + watch.metrics.map { metric -> Typed<Alarm.MetricDataQuery> in
                        .init {
                            $0.id = .string(metric.id)
                            $0.returnData = false
                            $0.metricStat = .init {
                                $0.metric = .init {
                                    $0.namespace = .string(metric.namespace)
                                    $0.metricName = .string(metric.name)
                                    $0.dimensions = Self.dimensions(metric, names)
                                }
                                $0.period = .int(Self.period)
                                $0.stat = .string(metric.stat)
                            }
                        }
                    })
                } else if let metric = watch.metrics.first {
                    $0.namespace = .string(metric.namespace)
                    $0.metricName = .string(metric.name)
                    $0.dimensions = Self.dimensions(metric, names)
                    if let statistic = Alarm.Statistic(rawValue: metric.stat) {
                        $0.statistic = Typed(statistic)
                    } else {
                        $0.extendedStatistic = .string(metric.stat)
                    }
                    $0.period = .int(Self.period)
                }
                $0.evaluationPeriods = .int(watch.periods)
                $0.datapointsToAlarm = .int(watch.periods)
                $0.threshold = .double(watch.threshold)
                $0.comparisonOperator = Typed(watch.comparison)
                $0.treatMissingData = .notBreaching
                $0.alarmActions = [topic.ref]
                $0.okActions = [topic.ref]
            }
        }
        dashboard = Dashboard("\(logicalId)Dashboard") {
            $0.dashboardBody = Self.dashboardBody(watches, names)
        }
    }

    /// `max_connections` of Aurora PostgreSQL is LEAST(DBInstanceClassMemory / 9531392, 5000); a
    /// Serverless v2 instance sizes it for its maximum capacity, 2 GiB an ACU.
    static func maximumConnections(atACU acu: Double) -> Double {
        min((acu * 2 * 1_073_741_824 / 9_531_392).rounded(.down), 5_000)
    }

    static func watches(_ thresholds: AlarmThresholds, cluster: AuroraServerlessCluster, function: ServerlessFunction) -> [Watch] {
        func rds(_ name: String, _ stat: String) -> Metric {
            Metric(id: "m1", namespace: "AWS/RDS", name: name, dimension: "DBClusterIdentifier", of: .cluster, stat: stat)
        }
        func lambda(_ name: String, _ stat: String) -> Metric {
            Metric(id: "m1", namespace: "AWS/Lambda", name: name, dimension: "FunctionName", of: .function, stat: stat)
        }
        func http(_ id: String, _ name: String, _ stat: String) -> Metric {
            Metric(id: id, namespace: "AWS/ApiGateway", name: name, dimension: "ApiId", of: .api, stat: stat)
        }
        let maximumACU = cluster.settings.capacity.maximum
        let connections = (maximumConnections(atACU: maximumACU) * thresholds.connectionsFraction).rounded(.down)
        let timeoutMs = Double(function.settings.timeoutSeconds * 1000)
        return [
            Watch(name: "AuroraACUUtilization", title: "Aurora uses over \(format(thresholds.acuUtilizationPercent)) % of its maximum capacity",
                  metrics: [rds("ACUUtilization", "Average")], comparison: .greaterThanThreshold, threshold: thresholds.acuUtilizationPercent, periods: 3),
            Watch(name: "AuroraCPU", title: "Aurora CPU over \(format(thresholds.cpuUtilizationPercent)) %",
                  metrics: [rds("CPUUtilization", "Average")], comparison: .greaterThanThreshold, threshold: thresholds.cpuUtilizationPercent, periods: 3),
            Watch(name: "AuroraConnections", title: "Aurora connections over \(format(connections)) (\(format(thresholds.connectionsFraction * 100)) % of max_connections at \(format(maximumACU)) ACU)",
                  metrics: [rds("DatabaseConnections", "Maximum")], comparison: .greaterThanThreshold, threshold: connections, periods: 2),
            Watch(name: "AuroraFreeableMemory", title: "Aurora freeable memory under \(format(thresholds.freeableMemoryMiB)) MiB",
                  metrics: [rds("FreeableMemory", "Minimum")], comparison: .lessThanThreshold, threshold: thresholds.freeableMemoryMiB * 1_048_576, periods: 3),
            Watch(name: "AuroraCapacityAtMaximum", title: "Aurora at its maximum of \(format(maximumACU)) ACU for \(thresholds.capacityAtMaximumMinutes) minutes",
                  metrics: [rds("ServerlessDatabaseCapacity", "Minimum")], comparison: .greaterThanOrEqualToThreshold, threshold: maximumACU,
                  periods: max(1, thresholds.capacityAtMaximumMinutes * 60 / period)),
            Watch(name: "FunctionErrors", title: "The API function failed",
                  metrics: [lambda("Errors", "Sum")], comparison: .greaterThanThreshold, threshold: 0, periods: 1),
            Watch(name: "FunctionThrottles", title: "The API function was throttled",
                  metrics: [lambda("Throttles", "Sum")], comparison: .greaterThanThreshold, threshold: 0, periods: 1),
            Watch(name: "FunctionDuration", title: "The API function's p95 duration is over \(format(thresholds.durationFractionOfTimeout * 100)) % of its \(function.settings.timeoutSeconds) s timeout",
                  metrics: [lambda("Duration", "p95")], comparison: .greaterThanThreshold, threshold: timeoutMs * thresholds.durationFractionOfTimeout, periods: 2),
            Watch(name: "Api5xxRate", title: "Over \(format(thresholds.api5xxPercent)) % of API requests answered 5xx",
                  metrics: [http("errors", "5xx", "Sum"), http("requests", "Count", "Sum")], expression: "100 * errors / requests",
                  comparison: .greaterThanThreshold, threshold: thresholds.api5xxPercent, periods: 2),
            Watch(name: "ApiLatency", title: "API p95 latency over \(format(thresholds.apiLatencyP95Milliseconds)) ms",
                  metrics: [http("m1", "Latency", "p95")], comparison: .greaterThanThreshold, threshold: thresholds.apiLatencyP95Milliseconds, periods: 2),
        ]
    }

    static func format(_ number: Double) -> String { Value.format(number) }

    static func dimensions(_ metric: Metric, _ names: Names) -> Typed<[Alarm.Dimension]> {
        [.init {
            $0.name = .string(metric.dimension)
            $0.valueProperty = names(metric.of)
        }]
    }

    /// One graph a watch, with its threshold drawn; the resources' names are filled in by `Fn::Sub`.
    static func dashboardBody(_ watches: [Watch], _ names: Names) -> Typed<String> {
        let widgets: [JSON] = watches.enumerated().map { index, watch in
            var metrics: [JSON] = []
            if let expression = watch.expression {
                metrics.append(.array([.object([("expression", .string(expression)), ("label", .string(watch.title)), ("id", .string("e1"))])]))
            }
            for metric in watch.metrics {
                let row: [JSON] = [.string(metric.namespace), .string(metric.name), .string(metric.dimension), .string("${\(metric.of.rawValue)}")]
                var options: [(String, JSON)] = [("stat", .string(metric.stat)), ("id", .string(metric.id))]
                if watch.expression != nil { options.append(("visible", .bool(false))) }
                metrics.append(.array(row + [.object(options)]))
            }
            return .object([
                ("type", .string("metric")), ("x", .number(String(index % 2 * 12))), ("y", .number(String(index / 2 * 6))),
                ("width", .number("12")), ("height", .number("6")),
                ("properties", .object([
                    ("title", .string(watch.title)), ("region", .string("${AWS::Region}")), ("period", .number(String(period))),
                    ("metrics", .array(metrics)),
                    ("annotations", .object([("horizontal", .array([.object([("label", .string("alarm")), ("value", .number(format(watch.threshold)))])]))])),
                ])),
            ])
        }
        let body = JSON.object([("widgets", .array(widgets))]).compact()
        return .sub(body, Watched.allCases.map { Field($0.rawValue, names($0).value) })
    }

    public var elements: [StackElement] {
        let resources: [any Resource] = [topic, subscription] + alarms + [dashboard]
        return email.elements + hasEmail.elements + resources.flatMap(\.elements)
    }

    public var diagnostics: [Diagnostic] {
        var problems: [String] = []
        if thresholds.capacityAtMaximumMinutes < 5 || thresholds.capacityAtMaximumMinutes % 5 != 0 {
            problems.append("capacityAtMaximumMinutes \(thresholds.capacityAtMaximumMinutes) must be a positive multiple of 5 (the alarms' period)")
        }
        if !(0 < thresholds.durationFractionOfTimeout && thresholds.durationFractionOfTimeout <= 1) {
            problems.append("durationFractionOfTimeout \(thresholds.durationFractionOfTimeout) must be above 0 and at most 1")
        }
        if !(0 < thresholds.connectionsFraction && thresholds.connectionsFraction <= 1) {
            problems.append("connectionsFraction \(thresholds.connectionsFraction) must be above 0 and at most 1")
        }
        for (name, value) in [("acuUtilizationPercent", thresholds.acuUtilizationPercent), ("cpuUtilizationPercent", thresholds.cpuUtilizationPercent),
                              ("api5xxPercent", thresholds.api5xxPercent)] where !(0 < value && value <= 100) {
            problems.append("\(name) \(Self.format(value)) must be a percentage above 0")
        }
        return problems.map { Diagnostic("alarms.settings", location: location, subject: "ServiceAlarms \"\(topic.logicalId)\"", message: $0) }
    }
}
