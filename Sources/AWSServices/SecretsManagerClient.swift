import AWSSigV4
import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads a Secrets Manager secret (GetSecretValue, SigV4-signed JSON 1.1), for the database
/// credentials the postgres backend connects with.
public struct SecretsManagerClient: Sendable {
    public let endpoint: String
    let signer: SigV4
    let credentials: any AWSCredentialProvider
    let http: HTTPClient

    /// `endpoint` overrides AWS's (the SDKs' `AWS_ENDPOINT_URL_SECRETS_MANAGER`), e.g. moto on loopback.
    public init(region: String, credentials: any AWSCredentialProvider, endpoint: String? = nil, http: HTTPClient = .aws) {
        self.endpoint = endpoint ?? "https://secretsmanager.\(region).amazonaws.com"
        signer = SigV4(service: "secretsmanager", region: region)
        self.credentials = credentials
        self.http = http
    }

    /// The cluster secret's JSON, as the SecretTargetAttachment completes it.
    public struct DatabaseSecret: Decodable, Sendable, Equatable {
        public var username: String
        public var password: String
        public var host: String?
        public var port: Int?
        public var dbname: String?

        public var credentials: (username: String, password: String) { (username, password) }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public func databaseSecret(arn: String) async throws -> DatabaseSecret {
        let text = try await secretString(arn: arn)
        do {
            return try JSONDecoder().decode(DatabaseSecret.self, from: Data(text.utf8))
        } catch {
            throw Failure(description: "secret \(arn) is not the JSON of a database secret (username, password, host, port, dbname)")
        }
    }

    public func secretString(arn: String) async throws -> String {
        let payload = Array(try JSONEncoder().encode(["SecretId": arn]))
        guard let request = signer.jsonRequest(to: endpoint, target: "secretsmanager.GetSecretValue", protocolVersion: "1.1",
                                               payload: payload, credentials: try await credentials.credentials()) else {
            throw Failure(description: "invalid Secrets Manager endpoint \(endpoint)")
        }
        let response = try await http.execute(request, within: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            struct ErrorBody: Decodable { var __type: String? }
            let code = (try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)))?.__type.map { String($0.split(separator: "#").last ?? "") } ?? ""
            throw Failure(description: CredentialRejection.describe(
                code: code, message: "GetSecretValue \(arn) failed with HTTP \(response.status.code): \(String(buffer: body))", source: credentials.source))
        }
        struct Answer: Decodable { var SecretString: String? }
        guard let secret = try JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView)).SecretString else {
            throw Failure(description: "secret \(arn) has no SecretString")
        }
        return secret
    }
}
