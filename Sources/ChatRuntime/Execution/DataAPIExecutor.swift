import AWSServices
import AWSSigV4
import AsyncHTTPClient
import DataAPIWire
import Deadline
import Foundation
import Synchronization
import Logging
import PostgresTimeLimits
import NIOCore
import NIOHTTP1

/// Runs SQL through the RDS Data API: SigV4-signed JSON over HTTPS (or plain HTTP to data-api-local).
/// Statement errors come back typed and are never retried; a resuming cluster, throttling and 5xx
/// answers are retried with capped, jittered backoff for up to ~45 s, or, inside a Lambda
/// invocation, only while the next attempt still fits before its deadline (`WorkDeadline`): a
/// cluster resuming for longer than the function may run is then reported unavailable in time to
/// answer 503 rather than time out.
public final class DataAPIExecutor: SQLExecutor, Sendable {
    public let endpoint: String
    let clusterArn: String
    let secretArn: String
    let database: String?
    let signer: SigV4
    let credentials: any AWSCredentialProvider
    let retry: RetryPolicy
    let http: HTTPClient
    let logger: Logger
    let transactionId: String?
    /// Counts requests sent, for the resume tests and the benchmark.
    public let requestCounter: RequestCounter

    /// What an attempt is given at least, after a retry's wait, for the retry to be worth making.
    static let attemptAllowance: Duration = .milliseconds(500)
    /// How long one request may wait for its answer (the service stops waiting for a statement at 45 s).
    static let requestTimeout: TimeAmount = .seconds(60)

    /// A batch request stays under the service's 4 MiB request limit.
    static let maximumBatchBytes = 3 << 20

    public init(endpoint: String?, region: String, clusterArn: String, secretArn: String, database: String,
                credentials: any AWSCredentialProvider, retry: RetryPolicy = .standard, http: HTTPClient = .aws, logger: Logger) {
        self.endpoint = endpoint ?? "https://rds-data.\(region).amazonaws.com"
        self.clusterArn = clusterArn
        self.secretArn = secretArn
        // No name: the field is left out, and the Data API uses the cluster's own database (data-api-local its URL's).
        self.database = database.isEmpty ? nil : database
        self.signer = SigV4(service: "rds-data", region: region)
        self.credentials = credentials
        self.retry = retry
        self.http = http
        self.logger = logger
        self.transactionId = nil
        self.requestCounter = RequestCounter()
    }

    private init(copying other: DataAPIExecutor, transactionId: String) {
        endpoint = other.endpoint
        clusterArn = other.clusterArn
        secretArn = other.secretArn
        database = other.database
        signer = other.signer
        credentials = other.credentials
        retry = other.retry
        http = other.http
        logger = other.logger
        requestCounter = other.requestCounter
        self.transactionId = transactionId
    }

    // MARK: SQLExecutor

    public func execute(_ statement: SQLStatement) async throws -> SQLResult {
        var request = ExecuteStatementRequest(resourceArn: clusterArn, secretArn: secretArn, sql: statement.sql, database: database,
                                              parameters: Self.parameters(statement.parameters), transactionId: transactionId)
        request.includeResultMetadata = false
        // The service stops waiting after about 45 s; continueAfterTimeout lets the statement finish
        // anyway (the service allows it only outside a transaction).
        let continues = statement.runsLong && transactionId == nil
        if continues { request.continueAfterTimeout = true }
        let response: ExecuteStatementResponse
        do {
            response = try await call("/Execute", request, retryingResume: true)
        } catch SQLExecutionError.dataAPI(let code, let message) where continues && code == DataAPIErrorCode.statementTimeout.rawValue {
            throw SQLExecutionError.stillRunning(message)
        }
        let rows = try (response.records ?? []).map { record in try record.map(Self.value) }
        return SQLResult(rows: rows, updatedCount: response.numberOfRecordsUpdated ?? 0)
    }

    public func batch(_ sql: String, _ parameterSets: [[String: SQLValue]]) async throws {
        guard !parameterSets.isEmpty else { return }
        var chunk: [[SqlParameter]] = []
        var size = 0
        for set in parameterSets {
            let parameters = Self.parameters(set)
            let setSize = parameters.reduce(64) { $0 + ($1.name?.utf8.count ?? 0) + Self.approximateSize($1.value) }
            if !chunk.isEmpty && size + setSize > Self.maximumBatchBytes {
                try await sendBatch(sql, chunk)
                chunk = []
                size = 0
            }
            chunk.append(parameters)
            size += setSize
        }
        try await sendBatch(sql, chunk)
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        if transactionId != nil { return try await body(self) }
        let begun: BeginTransactionResponse = try await call(
            "/BeginTransaction", BeginTransactionRequest(resourceArn: clusterArn, secretArn: secretArn, database: database), retryingResume: true)
        guard let id = begun.transactionId else { throw SQLExecutionError.dataAPI(code: "BeginTransaction", message: "no transactionId") }
        let inner = DataAPIExecutor(copying: self, transactionId: id)
        let end = EndTransactionRequest(resourceArn: clusterArn, secretArn: secretArn, transactionId: id)
        let result: T
        do {
            result = try await body(inner)
        } catch {
            let _: EndTransactionResponse? = try? await call("/RollbackTransaction", end, retryingResume: false)
            throw error
        }
        let _: EndTransactionResponse = try await call("/CommitTransaction", end, retryingResume: false)
        return result
    }

    // MARK: Requests

    private func sendBatch(_ sql: String, _ parameterSets: [[SqlParameter]]) async throws {
        let request = BatchExecuteStatementRequest(resourceArn: clusterArn, secretArn: secretArn, sql: sql, database: database,
                                                   parameterSets: parameterSets, transactionId: transactionId)
        let _: BatchExecuteStatementResponse = try await call("/BatchExecute", request, retryingResume: true)
    }

    /// Sends one operation, retrying what the retry policy covers.
    func call<Request: Encodable, Response: Decodable>(_ path: String, _ body: Request, retryingResume: Bool) async throws -> Response {
        let payload = Array(try JSONEncoder().encode(body))
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await send(path, payload)
            } catch let error as RetryableFailure {
                let retryable = error.code == DataAPIErrorCode.databaseResuming.rawValue ? retryingResume : transactionId == nil
                let delay = retry.delay(beforeRetry: attempt)
                guard retryable, clock.now - start + delay < retry.budget,
                      WorkDeadline.allows(waiting: delay, then: Self.attemptAllowance) else { throw error.final }
                logger.debug("retrying \(path) after \(error.code) in \(delay)")
                try await Task.sleep(for: delay)
            }
        }
    }

    private func send<Response: Decodable>(_ path: String, _ payload: [UInt8]) async throws -> Response {
        guard let url = URL(string: endpoint + path), let host = url.host else {
            throw SQLExecutionError.unavailable("invalid Data API endpoint \(endpoint)")
        }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let unsigned: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Host", hostHeader)]
        let signing = SigningRequest(method: "POST", path: path, headers: unsigned, body: payload)
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in signer.sign(signing, credentials: try await credentials.credentials(), amzDate: AMZDate.now()) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        requestCounter.increment()
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            // Not cut to the invocation's deadline: a statement that outlives it is cancelled with the
            // invocation and answered as its timeout, as on PostgreSQL; only the waits between attempts are.
            response = try await http.execute(request, timeout: Self.requestTimeout)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            if let unreachable = ConnectionFailure(unreachable: endpoint, error) { throw SQLExecutionError.cannotConnect(unreachable) }
            throw RetryableFailure(code: "ConnectionError", final: .unavailable("\(error)"))
        }
        let data = Data(bytes.readableBytesView)
        guard response.status == .ok else { throw failure(status: response.status, headers: response.headers, body: data) }
        return try JSONDecoder().decode(Response.self, from: data)
    }

    /// An error answer: statement errors and bad requests are final (PostgreSQL refusing the
    /// secret's credentials or database among them, named as such); resuming, throttling and 5xx may be retried.
    func failure(status: HTTPResponseStatus, headers: HTTPHeaders, body: Data) -> Error {
        let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body)
        let code = headers.first(name: "x-amzn-ErrorType")?.split(separator: ":").first.map(String.init)
            ?? decoded?.code ?? "HTTP\(status.code)"
        let message = decoded?.message ?? ""
        if code == DataAPIErrorCode.databaseError.rawValue {
            return SQLExecutionError.statement(message: message, sqlState: Self.sqlState(in: message))
        }
        if code == DataAPIErrorCode.badRequest.rawValue && message.contains("response size limit") {
            return SQLExecutionError.resultTooLarge
        }
        if code == DataAPIErrorCode.badRequest.rawValue,
           let refused = ConnectionFailure(dataAPIMessage: message, target: "\(clusterArn), through the Data API,") {
            return SQLExecutionError.cannotConnect(refused)
        }
        let typed = DataAPIErrorCode(rawValue: code)
        if typed?.isTransient == true || status.code >= 500 || code.hasPrefix("Throttling") {
            // A database still away once the retries are spent is reported like PostgreSQL's own absence.
            let away: Set<DataAPIErrorCode> = [.databaseResuming, .databaseUnavailable, .serviceUnavailable]
            let final: SQLExecutionError = typed.map(away.contains) == true ? .unavailable("\(code): \(message)") : .dataAPI(code: code, message: message)
            return RetryableFailure(code: code, final: final)
        }
        return SQLExecutionError.dataAPI(code: code, message: CredentialRejection.describe(code: code, message: message, source: credentials.source))
    }

    static func sqlState(in message: String) -> String? {
        guard let range = message.range(of: "SQLState: ", options: .backwards) else { return nil }
        return String(message[range.upperBound...].prefix(5))
    }

    // MARK: Values

    static func parameters(_ values: [String: SQLValue]) -> [SqlParameter] {
        values.sorted { $0.key < $1.key }.map { name, value in
            switch value {
            case .null: SqlParameter(name: name, value: .null)
            case .bool(let flag): SqlParameter(name: name, value: .bool(flag))
            case .int(let number): SqlParameter(name: name, value: .long(number))
            case .double(let number): SqlParameter(name: name, value: .double(number))
            case .text(let text): SqlParameter(name: name, value: .string(text))
            case .bytes(let bytes): SqlParameter(name: name, value: .blob(bytes))
            case .uuid(let text): SqlParameter(name: name, value: .string(text), typeHint: .uuid)
            case .timestamp(let text): SqlParameter(name: name, value: .string(text), typeHint: .timestamp)
            case .json(let text): SqlParameter(name: name, value: .string(text), typeHint: .json)
            case .decimal(let text): SqlParameter(name: name, value: .string(text), typeHint: .decimal)
            }
        }
    }

    static func value(_ field: Field) throws -> SQLValue {
        switch field {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .long(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .text(text)
        case .blob(let bytes): .bytes(bytes)
        case .array: throw SQLExecutionError.unsupportedValue("array results are not read by the runtime; aggregate them in SQL")
        }
    }

    static func approximateSize(_ field: Field?) -> Int {
        switch field {
        case .string(let text): text.utf8.count + 32
        case .blob(let bytes): bytes.count * 4 / 3 + 32
        default: 32
        }
    }
}

/// A failure that may be retried, and what to report if it is not.
struct RetryableFailure: Error {
    var code: String
    var final: SQLExecutionError
}

/// A thread-safe count of requests sent.
public final class RequestCounter: Sendable {
    private let value = Mutex<Int>(0)
    public init() {}
    public func increment() { value.withLock { $0 += 1 } }
    public var count: Int { value.withLock { $0 } }
}
