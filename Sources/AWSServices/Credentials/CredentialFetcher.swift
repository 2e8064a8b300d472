import AWSSigV4
import AsyncHTTPClient
import Crypto
import Deadline
import Foundation
import NIOCore
import NIOHTTP1
import Spawn

/// Credentials, and when they stop working (nil for keys that do not expire).
public struct ResolvedCredentials: Sendable, Equatable {
    public var credentials: AWSCredentials
    public var expiration: Date?

    public init(credentials: AWSCredentials, expiration: Date?) {
        self.credentials = credentials
        self.expiration = expiration
    }
}

/// Fetches credentials from a `CredentialSource`: STS for roles and web identities, the SSO portal
/// with the token `aws sso login` cached, the `credential_process` command, the container endpoint,
/// or IMDSv2. Every failure is a `CredentialError` that names the source.
struct CredentialFetcher: Sendable {
    var environment: [String: String]
    /// The region STS and the SSO portal are called in (STS's global endpoint without one).
    var region: String?
    var http: HTTPClient = .aws
    /// How long instance metadata gets to answer: off EC2 nothing answers, and the chain's last
    /// resort must not keep an operator waiting (the SDKs wait one second too).
    var metadataTimeout: Duration = .seconds(1)

    func value(_ name: String) -> String? { environment.nonEmpty(name) }

    func fetch(_ source: CredentialSource) async throws(CredentialError) -> ResolvedCredentials {
        switch source {
        case .environment(let credentials), .profileKeys(_, _, let credentials):
            return ResolvedCredentials(credentials: credentials, expiration: nil)
        case .webIdentity(let tokenFile, let role, let session, _):
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw CredentialError("AWS_WEB_IDENTITY_TOKEN_FILE", "\(tokenFile) cannot be read or is empty (\(source))")
            }
            return try await sts(source, ["Action": "AssumeRoleWithWebIdentity", "RoleArn": role, "RoleSessionName": session, "WebIdentityToken": token], signedWith: nil)
        case .assumeRole(_, let role, let session, let externalId, let duration, let base):
            let baseCredentials = try await fetch(base).credentials
            var parameters = ["Action": "AssumeRole", "RoleArn": role, "RoleSessionName": session]
            parameters["ExternalId"] = externalId
            parameters["DurationSeconds"] = duration.map(String.init)
            return try await sts(source, parameters, signedWith: baseCredentials)
        case .process(_, let command):
            return try await process(command, source: source)
        case .sso(let profile, let session, let start, let ssoRegion, let account, let role):
            return try await sso(profile: profile, session: session, startURL: start, region: ssoRegion, account: account, role: role, source: source)
        case .container(let url, let authorization):
            return try await container(url, authorization: authorization, source: source)
        case .instanceMetadata(let endpoint):
            return try await instanceMetadata(endpoint)
        }
    }

    // MARK: STS

    func sts(_ source: CredentialSource, _ parameters: [String: String], signedWith base: AWSCredentials?) async throws(CredentialError) -> ResolvedCredentials {
        let endpoint = value("AWS_ENDPOINT_URL_STS") ?? value("AWS_ENDPOINT_URL") ?? region.map { "https://sts.\($0).amazonaws.com" } ?? "https://sts.amazonaws.com"
        let action = parameters["Action"] ?? ""
        let body = Array((parameters.merging(["Version": "2011-06-15"]) { own, _ in own })
            .sorted { $0.key < $1.key }.map { "\(PercentEncoding.encode($0.key))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&").utf8)
        guard let url = URL(string: endpoint), let host = url.host else { throw CredentialError("AWS_ENDPOINT_URL_STS", "\(endpoint) is not a URL") }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                                                        ("Host", url.port.map { "\(host):\($0)" } ?? host)]
        if let base {
            headers += SigV4(service: "sts", region: region ?? "us-east-1")
                .sign(SigningRequest(method: "POST", path: "/", headers: headers, body: body), credentials: base, amzDate: AMZDate.now())
        }
        let (status, text) = try await exchange(method: .POST, url: endpoint + "/", headers: headers.filter { $0.name != "Host" }, body: body,
                                                timeout: .seconds(10), source: source)
        guard status == 200 else {
            let code = text.xmlElement("Code") ?? "HTTP \(status)"
            throw CredentialError(source.kind == "assume-role-with-web-identity" ? "AWS_ROLE_ARN" : "role_arn",
                                  "STS \(action) refused (\(code): \(text.xmlElement("Message") ?? String(text.prefix(200)))) for \(source)")
        }
        guard let key = text.xmlElement("AccessKeyId"), let secret = text.xmlElement("SecretAccessKey") else {
            throw CredentialError("AWS_ENDPOINT_URL_STS", "STS \(action) at \(endpoint) answered without credentials (\(source))")
        }
        return ResolvedCredentials(credentials: AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: text.xmlElement("SessionToken")),
                                   expiration: text.xmlElement("Expiration").flatMap(Self.timestamp))
    }

    // MARK: credential_process

    func process(_ command: String, source: CredentialSource) async throws(CredentialError) -> ResolvedCredentials {
        let result: ChildProcess.Result
        do {
            // The command may take a while (a hardware key, a vault); it runs on a thread of its own.
            result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try ChildProcess.run("/bin/sh", ["-c", command], timeLimitSeconds: 60) })
                }
            }
        } catch {
            throw CredentialError("credential_process", "\(command) could not run: \(error) (\(source))")
        }
        guard result.status == 0 else {
            throw CredentialError("credential_process", "\(command) exited with status \(result.status): \(result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)) (\(source))")
        }
        struct Answer: Decodable { var Version: Int; var AccessKeyId: String; var SecretAccessKey: String; var SessionToken: String?; var Expiration: String? }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(result.output)), answer.Version == 1 else {
            throw CredentialError("credential_process", "\(command) did not print {\"Version\": 1, \"AccessKeyId\": …, \"SecretAccessKey\": …} (\(source))")
        }
        return ResolvedCredentials(credentials: AWSCredentials(accessKeyId: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey, sessionToken: answer.SessionToken),
                                   expiration: answer.Expiration.flatMap(Self.timestamp))
    }

    // MARK: SSO

    func sso(profile: String, session: String?, startURL: String, region ssoRegion: String, account: String, role: String,
             source: CredentialSource) async throws(CredentialError) -> ResolvedCredentials {
        let home = value("HOME") ?? NSHomeDirectory()
        let key = Insecure.SHA1.hash(data: Array((session ?? startURL).utf8)).map { String(format: "%02x", $0) }.joined()
        let cacheFile = "\(home)/.aws/sso/cache/\(key).json"
        struct Token: Decodable { var accessToken: String; var expiresAt: String }
        let login = "run `aws sso login --profile \(profile)`"
        guard let data = FileManager.default.contents(atPath: cacheFile), let token = try? JSONDecoder().decode(Token.self, from: data) else {
            throw CredentialError("sso_start_url", "no SSO token cached for \(session.map { "sso-session \"\($0)\"" } ?? startURL) (\(cacheFile)); \(login)")
        }
        if let expiry = Self.timestamp(token.expiresAt), expiry <= Date() {
            throw CredentialError("sso_start_url", "the SSO token of profile \"\(profile)\" expired at \(token.expiresAt); \(login)")
        }
        let portal = value("AWS_ENDPOINT_URL_SSO") ?? "https://portal.sso.\(ssoRegion).amazonaws.com"
        let url = "\(portal)/federation/credentials?account_id=\(PercentEncoding.encode(account))&role_name=\(PercentEncoding.encode(role))"
        let (status, text) = try await exchange(method: .GET, url: url, headers: [("x-amz-sso_bearer_token", token.accessToken)], body: [],
                                                timeout: .seconds(10), source: source)
        struct Answer: Decodable {
            struct Role: Decodable { var accessKeyId: String; var secretAccessKey: String; var sessionToken: String?; var expiration: Double? }
            var roleCredentials: Role
        }
        guard status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: Data(text.utf8)) else {
            throw CredentialError("sso_role_name", "the SSO portal refused role \(role) of account \(account) (HTTP \(status): \(text.prefix(200))); \(login)")
        }
        let role = answer.roleCredentials
        return ResolvedCredentials(credentials: AWSCredentials(accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey, sessionToken: role.sessionToken),
                                   expiration: role.expiration.map { Date(timeIntervalSince1970: $0 / 1000) })
    }

    // MARK: Container and instance metadata

    /// `{AccessKeyId, SecretAccessKey, Token, Expiration}`, as the container endpoint and IMDS answer.
    struct MetadataCredentials: Decodable { var AccessKeyId: String; var SecretAccessKey: String; var Token: String?; var Expiration: String? }

    func resolved(_ answer: MetadataCredentials) -> ResolvedCredentials {
        ResolvedCredentials(credentials: AWSCredentials(accessKeyId: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey, sessionToken: answer.Token),
                            expiration: answer.Expiration.flatMap(Self.timestamp))
    }

    func container(_ url: String, authorization: CredentialSource.ContainerAuthorization?, source: CredentialSource) async throws(CredentialError) -> ResolvedCredentials {
        var headers: [(name: String, value: String)] = []
        switch authorization {
        case .token(let token): headers.append(("Authorization", token))
        case .tokenFile(let file):
            guard let token = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw CredentialError("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "\(file) cannot be read (\(source))")
            }
            headers.append(("Authorization", token))
        case nil: break
        }
        let (status, text) = try await exchange(method: .GET, url: url, headers: headers, body: [], timeout: .seconds(5), source: source)
        guard status == 200, let answer = try? JSONDecoder().decode(MetadataCredentials.self, from: Data(text.utf8)) else {
            throw CredentialError("AWS_CONTAINER_CREDENTIALS_FULL_URI", "\(url) answered HTTP \(status) without credentials: \(text.prefix(200))")
        }
        return resolved(answer)
    }

    func instanceMetadata(_ endpoint: String) async throws(CredentialError) -> ResolvedCredentials {
        let source = CredentialSource.instanceMetadata(endpoint: endpoint)
        let token = try await metadataToken(endpoint)
        let listing = try await metadata(endpoint, "/latest/meta-data/iam/security-credentials/", token: token, source: source)
        guard let role = listing.split(whereSeparator: \.isNewline).first.map(String.init) else {
            throw CredentialError("AWS_EC2_METADATA_SERVICE_ENDPOINT", "this instance has no IAM role (instance profile); attach one, or set AWS_PROFILE")
        }
        let text = try await metadata(endpoint, "/latest/meta-data/iam/security-credentials/\(role)", token: token, source: source)
        guard let answer = try? JSONDecoder().decode(MetadataCredentials.self, from: Data(text.utf8)) else {
            throw CredentialError("AWS_EC2_METADATA_SERVICE_ENDPOINT", "instance metadata gave no credentials for role \(role): \(text.prefix(200))")
        }
        return resolved(answer)
    }

    /// The instance's region, from instance metadata.
    func instanceRegion(_ endpoint: String) async throws(CredentialError) -> String {
        let token = try await metadataToken(endpoint)
        return try await metadata(endpoint, "/latest/meta-data/placement/region", token: token, source: .instanceMetadata(endpoint: endpoint))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func metadataToken(_ endpoint: String) async throws(CredentialError) -> String {
        let source = CredentialSource.instanceMetadata(endpoint: endpoint)
        let (status, token) = try await exchange(method: .PUT, url: endpoint + "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
                                                 body: [], timeout: metadataTimeout, source: source)
        guard status == 200 else { throw Self.nothingFound(endpoint, reason: "it answered HTTP \(status) to the IMDSv2 token request") }
        return token
    }

    func metadata(_ endpoint: String, _ path: String, token: String, source: CredentialSource) async throws(CredentialError) -> String {
        let (status, text) = try await exchange(method: .GET, url: endpoint + path, headers: [("X-aws-ec2-metadata-token", token)], body: [],
                                                timeout: metadataTimeout, source: source)
        guard status == 200 else { throw CredentialError("AWS_EC2_METADATA_SERVICE_ENDPOINT", "\(endpoint)\(path) answered HTTP \(status)") }
        return text
    }

    /// The chain's end: nothing was configured, and instance metadata did not answer either.
    static func nothingFound(_ endpoint: String, reason: String) -> CredentialError {
        CredentialError("AWS_ACCESS_KEY_ID", "no AWS credentials found: none in environment variables, no AWS_WEB_IDENTITY_TOKEN_FILE, no profile with credentials "
                        + "in the shared files, no container endpoint, and EC2 instance metadata at \(endpoint) \(reason). "
                        + "Set AWS_PROFILE (see `aws configure list-profiles`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }

    // MARK: HTTP

    /// One request; an endpoint that cannot be reached is a `CredentialError` naming the source
    /// (instance metadata's is the chain's "nothing found").
    func exchange(method: HTTPMethod, url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration,
                  source: CredentialSource) async throws(CredentialError) -> (status: UInt, text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.clampedNanoseconds))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (response.status.code, String(buffer: bytes))
        } catch {
            if case .instanceMetadata(let endpoint) = source {
                throw Self.nothingFound(endpoint, reason: "could not be reached within \(timeout) (not on EC2?)")
            }
            throw CredentialError(Self.endpointSetting(of: source), "\(url) cannot be reached (\(error)) for \(source)")
        }
    }

    static func endpointSetting(of source: CredentialSource) -> String {
        switch source {
        case .webIdentity, .assumeRole: "AWS_ENDPOINT_URL_STS"
        case .sso: "AWS_ENDPOINT_URL_SSO"
        case .container: "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        default: "AWS_EC2_METADATA_SERVICE_ENDPOINT"
        }
    }

    /// An ISO 8601 time, with or without fractional seconds (STS, IMDS and SSO's cache write both).
    static func timestamp(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "UTC", with: "Z")
        return (try? Date(trimmed, strategy: .iso8601)) ?? (try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
