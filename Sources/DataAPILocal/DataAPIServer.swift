import AWSSigV4
import DataAPIWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The HTTP front of the local Data API: the service's paths, JSON bodies, error shape
/// (`x-amzn-ErrorType` header and `{"message","code"}` body) and, when enabled, SigV4 checking.
public struct DataAPIServer: Sendable {
    /// The service accepts requests up to 4 MiB.
    public static let maximumRequestBytes = 4 << 20

    // Shared: JSONEncoder and JSONDecoder are safe to use from many requests at once.
    nonisolated(unsafe) static let encoder = JSONEncoder()
    nonisolated(unsafe) static let decoder = JSONDecoder()

    public let service: DataAPIService
    public let verifier: SignatureVerifier?
    public let logger: Logger

    public init(service: DataAPIService, verifier: SignatureVerifier?, logger: Logger) {
        self.service = service
        self.verifier = verifier
        self.logger = logger
    }

    /// The HTTP application; `onServerRunning` runs once the port is bound and calls can arrive.
    public func application(host: String, port: Int, onServerRunning: @escaping @Sendable () -> Void = {}) -> some ApplicationProtocol {
        let router = Router()
        router.post("/Execute") { request, _ in
            await self.handle(request) { (body: ExecuteStatementRequest) throws(DataAPIError) in try await self.service.execute(body) }
        }
        router.post("/BatchExecute") { request, _ in
            await self.handle(request) { (body: BatchExecuteStatementRequest) throws(DataAPIError) in try await self.service.batchExecute(body) }
        }
        router.post("/BeginTransaction") { request, _ in
            await self.handle(request) { (body: BeginTransactionRequest) throws(DataAPIError) in try await self.service.beginTransaction(body) }
        }
        router.post("/CommitTransaction") { request, _ in
            await self.handle(request) { (body: EndTransactionRequest) throws(DataAPIError) in try await self.service.commitTransaction(body) }
        }
        router.post("/RollbackTransaction") { request, _ in
            await self.handle(request) { (body: EndTransactionRequest) throws(DataAPIError) in try await self.service.rollbackTransaction(body) }
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { _ in onServerRunning() }, logger: logger)
    }

    func handle<Input: Decodable, Output: Encodable>(
        _ request: Request, _ operation: (Input) async throws(DataAPIError) -> Output
    ) async -> Response {
        do {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumRequestBytes)
            } catch {
                throw DataAPIError.badRequest("Request size exceeds the 4 MiB limit")
            }
            let bytes = Array(body.readableBytesView)
            if let verifier { try verify(request, body: bytes, with: verifier) }
            let input = try decode(Input.self, from: bytes)
            let output = try await operation(input)
            let encoded = try (output as? WireJSONRepresentable).map { Data($0.wireJSON.compact().utf8) } ?? Self.encoder.encode(output)
            return jsonResponse(.ok, encoded, headers: [:])
        } catch let error as DataAPIError {
            return errorResponse(error)
        } catch {
            return errorResponse(DataAPIError(.internalServerError, "\(error)"))
        }
    }

    private func verify(_ request: Request, body: [UInt8], with verifier: SignatureVerifier) throws(DataAPIError) {
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        // HTTP/1 `Host` arrives as the authority pseudo-header; SigV4 signs it as `host`.
        if let authority = request.head.authority { headers.append(("host", authority)) }
        let signing = SigningRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                     headers: headers, body: body)
        do {
            try verifier.verify(signing, now: Int(Date().timeIntervalSince1970))
        } catch {
            switch error {
            case .missing(let message): throw DataAPIError(.missingAuthenticationToken, message)
            case .unknownAccessKey(let message): throw DataAPIError(.unrecognizedClient, message)
            case .mismatch(let message): throw DataAPIError(.invalidSignature, message)
            }
        }
    }

    private func decode<Input: Decodable>(_ type: Input.Type, from bytes: [UInt8]) throws(DataAPIError) -> Input {
        do {
            return try Self.decoder.decode(Input.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, let context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw .badRequest("1 validation error detected: Value null at '\(path)' failed to satisfy constraint: Member must not be null")
        } catch DecodingError.valueNotFound(_, let context) {
            throw .badRequest("1 validation error detected: Value null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))' failed to satisfy constraint: Member must not be null")
        } catch DecodingError.typeMismatch(let expected, let context) {
            throw .badRequest("Malformed request: '\(context.codingPath.map(\.stringValue).joined(separator: "."))' must be \(expected)")
        } catch DecodingError.dataCorrupted(let context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .badRequest(path.isEmpty ? "Malformed request body: not valid JSON" : "Malformed request: \(path): \(context.debugDescription)")
        } catch {
            throw .badRequest("Malformed request body: \(error)")
        }
    }

    private func jsonResponse(_ status: HTTPResponse.Status, _ data: Data, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    func errorResponse(_ error: DataAPIError) -> Response {
        logger.debug("\(error.code.rawValue): \(error.message)")
        let body = (try? Self.encoder.encode(ErrorBody(message: error.message, code: error.code.rawValue))) ?? Data()
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-ErrorType")!] = error.code.rawValue
        return jsonResponse(HTTPResponse.Status(code: error.code.httpStatus), body, headers: headers)
    }
}
