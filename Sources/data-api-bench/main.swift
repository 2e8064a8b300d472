import AsyncHTTPClient
import DataAPILocal
import DataAPIWire
import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

// Benchmark of data-api-local, run as `swift run -c release data-api-bench` with the test PostgreSQL
// running (`scripts/postgres.sh start`): ExecuteStatement of a one-row SELECT over loopback HTTP
// against the same query sent straight through postgres-nio, from 8 concurrent clients (throughput;
// on 2 cores the client, the endpoint and PostgreSQL share the CPU, so latency there includes
// queueing) and from one client (the latency the endpoint adds to a statement).

let concurrentClients = 8
let statementsPerClient = 2_000
let sql = "SELECT 1 AS one"

struct Samples {
    var latencies: [Double] = []
    var seconds: Double = 0

    var perSecond: Double { Double(latencies.count) / seconds }
    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

func measure(clients: Int, _ body: @escaping @Sendable () async throws -> Void) async throws -> Samples {
    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for _ in 0..<clients {
            group.addTask {
                var local: [Double] = []
                local.reserveCapacity(statementsPerClient)
                for _ in 0..<statementsPerClient {
                    let elapsed = try await clock.measure { try await body() }
                    local.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let total = clock.now - start
    return Samples(latencies: latencies, seconds: Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18)
}

func report(_ label: String, _ samples: Samples) {
    print(String(format: "%-38@ %8.0f statements/s   p50 %6.3f ms   p95 %6.3f ms", label as NSString, samples.perSecond,
                 samples.percentile(0.5), samples.percentile(0.95)))
}

func testDatabase() throws -> (port: Int, database: String) {
    if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], let components = URLComponents(string: url), let port = components.port {
        return (port, String(components.path.dropFirst()))
    }
    let state = try String(contentsOfFile: ".build/test-postgres.env", encoding: .utf8)
    for line in state.split(separator: "\n") where line.hasPrefix("TEST_POSTGRES_PORT=") {
        if let port = Int(line.dropFirst("TEST_POSTGRES_PORT=".count)) { return (port, "postgres") }
    }
    throw CocoaError(.fileReadCorruptFile)
}

var logger = Logger(label: "data-api-bench")
logger.logLevel = .error
let database: (port: Int, database: String)
do {
    database = try testDatabase()
} catch {
    print("data-api-bench: no PostgreSQL; run scripts/postgres.sh start first (or set DATABASE_URL)")
    exit(1)
}

// Straight through postgres-nio, on a pool of as many connections as clients.
var poolConfiguration = PostgresClient.Configuration(host: "127.0.0.1", port: database.port, username: "postgres", password: nil,
                                                     database: database.database, tls: .disable)
poolConfiguration.options.maximumConnections = concurrentClients
let pool = PostgresClient(configuration: poolConfiguration, backgroundLogger: logger)
let poolTask = Task { await pool.run() }
@Sendable func directQuery() async throws { _ = try await pool.query("SELECT 1 AS one", logger: logger).collect() }
_ = try await measure(clients: concurrentClients, directQuery)
let direct = try await measure(clients: concurrentClients, directQuery)
let directAlone = try await measure(clients: 1, directQuery)
poolTask.cancel()

// Through data-api-local over loopback HTTP.
var settings = DataAPIService.Settings(host: "127.0.0.1", port: database.port, username: "postgres", password: nil,
                                       defaultDatabase: database.database)
settings.maximumConnections = concurrentClients
let service = DataAPIService(settings: settings, logger: logger)
let port = 20_000 + Int(getpid() % 10_000)
let application = DataAPIServer(service: service, verifier: nil, logger: logger).application(host: "127.0.0.1", port: port)
let server = Task { try await ServiceGroup(configuration: .init(services: [.init(service: service), .init(service: application)], logger: logger)).run() }
try await Task.sleep(for: .milliseconds(500))

var httpConfiguration = HTTPClient.Configuration()
httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrentClients
let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
let body = try JSONEncoder().encode(ExecuteStatementRequest(
    resourceArn: "arn:aws:rds:us-east-1:123456789012:cluster:bench", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench",
    sql: sql))
@Sendable func execute() async throws {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/Execute")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await http.execute(request, timeout: .seconds(30))
    _ = try await response.body.collect(upTo: 1 << 20)
    guard response.status == .ok else { throw CocoaError(.featureUnsupported) }
}
_ = try await measure(clients: concurrentClients, execute)
let viaDataAPI = try await measure(clients: concurrentClients, execute)
let viaDataAPIAlone = try await measure(clients: 1, execute)
try await http.shutdown()
server.cancel()
_ = await server.result

print("data-api-local benchmark: `\(sql)` on loopback, \(statementsPerClient) statements per client")
report("\(concurrentClients) clients, postgres-nio direct", direct)
report("\(concurrentClients) clients, via data-api-local", viaDataAPI)
report("1 client, postgres-nio direct", directAlone)
report("1 client, via data-api-local", viaDataAPIAlone)
let added = viaDataAPIAlone.percentile(0.5) - directAlone.percentile(0.5)
let addedLoaded = viaDataAPI.percentile(0.5) - direct.percentile(0.5)
print(String(format: "added latency per statement at p50: %.3f ms with 1 client (target < 1 ms: %@), %.3f ms with %d clients",
             added, (added < 1 ? "ok" : "OVER TARGET") as NSString, addedLoaded, concurrentClients))
