import AWSSigV4
import AsyncHTTPClient
import Foundation
import NIOCore

/// Secrets Manager over its JSON 1.1 protocol (SigV4-signed): reading a secret, for the database
/// credentials the postgres backend connects with, and what a rotation function does with a
/// secret's versions and staging labels.
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
        /// The service's error code (`ResourceNotFoundException`), empty when it gave none.
        public var code: String
        public var description: String

        public init(code: String = "", description: String) {
            self.code = code
            self.description = description
        }
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
        guard let value = try await value(of: arn) else { throw Failure(code: "ResourceNotFoundException", description: "secret \(arn) does not exist") }
        return value.string
    }

    // MARK: Versions, for rotation

    /// A version of a secret: its id and text.
    public struct Version: Sendable, Equatable {
        public var id: String
        public var string: String
    }

    /// The version with `versionId` and/or `stage` (AWSCURRENT when neither is given); nil when the
    /// secret has no such version.
    public func value(of arn: String, versionId: String? = nil, stage: String? = nil) async throws -> Version? {
        struct Request: Encodable { var SecretId: String; var VersionId: String?; var VersionStage: String? }
        struct Answer: Decodable { var VersionId: String; var SecretString: String? }
        let answer: Answer
        do {
            // AWSCURRENT by name when nothing else is asked: what AWS answers anyway, and moto's default
            // version does not follow UpdateSecretVersionStage (it would hand out the rotated-away one).
            answer = try await call("GetSecretValue", Request(SecretId: arn, VersionId: versionId, VersionStage: stage ?? (versionId == nil ? "AWSCURRENT" : nil)))
        } catch let failure as Failure where failure.code == "ResourceNotFoundException" {
            return nil
        }
        guard let string = answer.SecretString else { throw Failure(description: "secret \(arn) has no SecretString") }
        return Version(id: answer.VersionId, string: string)
    }

    /// What rotation reads of a secret: its versions' staging labels, and its KMS key.
    public struct Description: Sendable, Equatable, Decodable {
        public var ARN: String
        public var Name: String
        public var KmsKeyId: String?
        public var VersionIdsToStages: [String: [String]]?

        /// The version that holds `stage`.
        public func version(staged stage: String) -> String? { VersionIdsToStages?.first { $0.value.contains(stage) }?.key }
    }

    public func describe(_ arn: String) async throws -> Description {
        struct Request: Encodable { var SecretId: String }
        return try await call("DescribeSecret", Request(SecretId: arn))
    }

    /// A new version with `token` as its id (Secrets Manager makes a repeated call with the same
    /// token and text a no-op), labelled `stages`.
    public func put(_ arn: String, token: String, string: String, stages: [String]) async throws {
        struct Request: Encodable { var SecretId: String; var ClientRequestToken: String; var SecretString: String; var VersionStages: [String] }
        struct Answer: Decodable { var VersionId: String }
        let _: Answer = try await call("PutSecretValue", Request(SecretId: arn, ClientRequestToken: token, SecretString: string, VersionStages: stages))
    }

    /// Moves `stage` to `version`, off `previous` (which must hold it, if given).
    public func moveStage(_ stage: String, of arn: String, to version: String, from previous: String?) async throws {
        struct Request: Encodable { var SecretId: String; var VersionStage: String; var MoveToVersionId: String; var RemoveFromVersionId: String? }
        struct Answer: Decodable { var ARN: String }
        let _: Answer = try await call("UpdateSecretVersionStage", Request(SecretId: arn, VersionStage: stage, MoveToVersionId: version, RemoveFromVersionId: previous))
    }

    /// A new secret, encrypted with `kmsKeyId` when given; its ARN. One that exists already is
    /// given the text as a new current version instead (a retried call), and its ARN returned.
    public func create(name: String, string: String, kmsKeyId: String?) async throws -> String {
        struct Request: Encodable { var Name: String; var SecretString: String; var KmsKeyId: String? }
        struct Answer: Decodable { var ARN: String }
        do {
            let answer: Answer = try await call("CreateSecret", Request(Name: name, SecretString: string, KmsKeyId: kmsKeyId))
            return answer.ARN
        } catch let failure as Failure where failure.code == "ResourceExistsException" {
            let existing = try await describe(name)
            try await put(existing.ARN, token: UUID().uuidString, string: string, stages: ["AWSCURRENT"])
            return existing.ARN
        }
    }

    /// Deletes the secret at once, without the recovery window; one already gone is no error.
    public func delete(_ arn: String) async throws {
        struct Request: Encodable { var SecretId: String; var ForceDeleteWithoutRecovery: Bool }
        struct Answer: Decodable { var ARN: String? }
        do {
            let _: Answer = try await call("DeleteSecret", Request(SecretId: arn, ForceDeleteWithoutRecovery: true))
        } catch let failure as Failure where failure.code == "ResourceNotFoundException" {
            return
        }
    }

    // MARK: The protocol

    /// An error answer: `__type` ends in the code; the message is `message` or `Message`.
    struct ErrorBody: Decodable { var __type: String?; var message: String?; var Message: String? }

    /// One operation: its JSON request and answer; an error answer is a `Failure` with the service's
    /// code, and one that refuses the credentials says where they came from.
    func call<Request: Encodable, Answer: Decodable>(_ operation: String, _ request: Request) async throws -> Answer {
        let payload = Array(try JSONEncoder().encode(request))
        guard let signed = signer.jsonRequest(to: endpoint, target: "secretsmanager.\(operation)", protocolVersion: "1.1",
                                              payload: payload, credentials: try await credentials.credentials()) else {
            throw Failure(description: "invalid Secrets Manager endpoint \(endpoint)")
        }
        let response = try await http.execute(signed, within: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let data = Data(body.readableBytesView)
        guard response.status == .ok else {
            let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data)
            let code = decoded?.__type.map { String($0.split(separator: "#").last ?? "") } ?? ""
            let detail = decoded?.message ?? decoded?.Message ?? String(buffer: body)
            throw Failure(code: code, description: CredentialRejection.describe(
                code: code, message: "\(operation) failed with HTTP \(response.status.code): \(code.isEmpty ? "" : code + ": ")\(detail)", source: credentials.source))
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw Failure(description: "\(operation): Secrets Manager's answer cannot be read (\(error))")
        }
    }
}
