import AWSServices
import Foundation

/// The rotation function of the cluster's two secrets, working entirely through the Data API, so it
/// runs outside any VPC: no interface endpoint, no security group, no NAT.
///
/// Secrets Manager invokes it four times per rotation with the same `ClientRequestToken`, and
/// retries a step that fails; every step can run again and ends where one successful run would:
/// - `createSecret`: a new version with the token, staged AWSPENDING: AWSCURRENT with a new password
///   (32 characters from the system's random generator, without those the cluster's generated
///   passwords leave out, `excludedCharacters`) and, for the
///   application secret, the other of its two users (`chat_app` ↔ `chat_app_clone`, the multi-user
///   scheme: connections opened with the previous user keep working until the rotation after next).
/// - `setSecret`: the password set in PostgreSQL. The application's through a Data API call signed
///   with the master secret, creating the clone (a member of `chat_app`, so it has its grants) the
///   first time; the master's through a call with its own current secret. The password goes as its
///   SCRAM-SHA-256 verifier (`ScramVerifier`), never in clear in SQL text. When the master's
///   current secret is refused, an earlier attempt has set the password already: the pending
///   credentials are tried, and the step is done when they work.
/// - `testSecret`: a sign-in with the pending credentials. The Data API reads only a secret's
///   current version, so they go into a short-lived secret of their own (named `testSecretPrefix`
///   and the token's first 12 letters and digits, encrypted with the rotated secret's key), a
///   `SELECT 1` runs with it, and it is deleted.
/// - `finishSecret`: AWSCURRENT moved to the token's version; AWSPREVIOUS follows by itself.
public struct SecretRotator: Sendable {
    /// Secrets Manager's request to a rotation function ("Lambda rotation functions", Secrets Manager user guide).
    public struct Event: Decodable, Sendable, Equatable {
        public var Step: String
        public var SecretId: String
        public var ClientRequestToken: String
        public var RotationToken: String?
    }

    public enum Step: String, Sendable, CaseIterable {
        case createSecret, setSecret, testSecret, finishSecret
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let secrets: SecretsManagerClient
    let masterSecretArn: String
    let applicationSecretArn: String
    /// Where the short-lived secrets of `testSecret` are named; the rotator's IAM policy allows it those names only.
    let testSecretPrefix: String
    /// An executor that signs in with the secret of this ARN, through the Data API.
    let executor: @Sendable (_ secretArn: String) -> any SQLExecutor
    let log: @Sendable (String) -> Void

    public init(secrets: SecretsManagerClient, masterSecretArn: String, applicationSecretArn: String, testSecretPrefix: String,
                executor: @escaping @Sendable (String) -> any SQLExecutor, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.secrets = secrets
        self.masterSecretArn = masterSecretArn
        self.applicationSecretArn = applicationSecretArn
        self.testSecretPrefix = testSecretPrefix
        self.executor = executor
        self.log = log
    }

    static let current = "AWSCURRENT", pending = "AWSPENDING"

    public func handle(_ event: Event) async throws {
        guard let step = Step(rawValue: event.Step) else {
            throw Failure(description: "Step \"\(event.Step)\" is not one of \(Step.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let arn = event.SecretId
        guard arn == masterSecretArn || arn == applicationSecretArn else {
            throw Failure(description: "this function rotates \(masterSecretArn) and \(applicationSecretArn) only, not \(arn)")
        }
        let token = event.ClientRequestToken
        let description = try await secrets.describe(arn)
        let stages = description.VersionIdsToStages?[token] ?? []
        if stages.contains(Self.current) {
            log("\(step.rawValue): version \(token) of \(description.Name) is already current; nothing to do")
            return
        }
        // Secrets Manager stages the token's (empty) version AWSPENDING before it asks for createSecret;
        // every later step needs it staged so.
        guard stages.contains(Self.pending) || (step == .createSecret && stages.isEmpty) else {
            throw Failure(description: "version \(token) of \(description.Name) is not staged AWSPENDING (it is \(stages)); it belongs to no rotation in progress")
        }
        switch step {
        case .createSecret: try await createSecret(arn, token: token)
        case .setSecret: try await setSecret(arn, token: token, description: description)
        case .testSecret: try await testSecret(arn, token: token, description: description)
        case .finishSecret: try await finishSecret(arn, token: token, description: description)
        }
        log("\(step.rawValue): done for \(description.Name), version \(token)")
    }

    // MARK: Steps

    func createSecret(_ arn: String, token: String) async throws {
        guard let current = try await secrets.value(of: arn, stage: Self.current) else {
            throw Failure(description: "\(arn) has no AWSCURRENT version to rotate from")
        }
        if try await secrets.value(of: arn, versionId: token, stage: Self.pending) != nil { return }
        var secret = try Self.object(current.string, arn: arn)
        secret["password"] = Self.newPassword()
        if arn == applicationSecretArn {
            secret["username"] = try Self.username(of: secret, arn: arn) == ChatContract.Schema.applicationRole ? Self.clone : ChatContract.Schema.applicationRole
        }
        try await secrets.put(arn, token: token, string: try Self.text(secret), stages: [Self.pending])
    }

    func setSecret(_ arn: String, token: String, description: SecretsManagerClient.Description) async throws {
        let pending = try await pendingSecret(arn, token: token)
        let user = try Self.username(of: pending, arn: arn)
        guard let password = pending["password"] as? String else { throw Failure(description: "the pending version of \(arn) has no password") }
        let alter = SQLStatement("ALTER ROLE \(Self.quoted(user)) PASSWORD '\(ScramVerifier.verifier(for: password))'")
        if arn == applicationSecretArn {
            let master = executor(masterSecretArn)
            if user == Self.clone {
                _ = try await master.execute(SQLStatement("""
                    DO $$
                    BEGIN
                      IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '\(Self.clone)') THEN
                        CREATE ROLE \(Self.quoted(Self.clone)) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE \(Self.quoted(ChatContract.Schema.applicationRole));
                      END IF;
                    END
                    $$
                    """))
            }
            _ = try await master.execute(alter)
            return
        }
        do {
            _ = try await executor(masterSecretArn).execute(alter)
        } catch SQLExecutionError.cannotConnect(let failure) where failure.refusesCredentials {
            // The current password is refused: an earlier attempt of this step set the new one.
            guard (try? await signIn(with: pending, token: token, description: description)) != nil else {
                throw Failure(description: "the master user signs in with neither its current nor its pending password (\(failure)); "
                              + "set one of them by hand (ALTER ROLE) and rotate again")
            }
        }
    }

    func testSecret(_ arn: String, token: String, description: SecretsManagerClient.Description) async throws {
        try await signIn(with: try await pendingSecret(arn, token: token), token: token, description: description)
    }

    func finishSecret(_ arn: String, token: String, description: SecretsManagerClient.Description) async throws {
        let current = description.version(staged: Self.current)
        try await secrets.moveStage(Self.current, of: arn, to: token, from: current)
    }

    // MARK: Helpers

    static let clone = ChatContract.Schema.applicationRole + "_clone"

    /// What the cluster's generated passwords leave out (`AuroraServerlessCluster.excludedPasswordCharacters`):
    /// characters a connection string or a shell would take for something else.
    public static let excludedCharacters = #""@/\' "#

    /// 32 printable ASCII characters but `excludedCharacters`, from the system's random generator.
    static func newPassword() -> String {
        let alphabet = (33...126).map { Character(Unicode.Scalar(UInt8($0))) }.filter { !excludedCharacters.contains($0) }
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A `SELECT 1` through the Data API with `secret`, put for the purpose in a secret of its own.
    func signIn(with secret: [String: Any], token: String, description: SecretsManagerClient.Description) async throws {
        // Short: the Data API takes a secret ARN of at most 100 characters.
        let probe = try await secrets.create(name: testSecretPrefix + String(token.filter { $0.isLetter || $0.isNumber }.prefix(12)),
                                             string: try Self.text(secret), kmsKeyId: description.KmsKeyId)
        do {
            _ = try await executor(probe).execute(SQLStatement("SELECT 1"))
        } catch {
            try? await secrets.delete(probe)
            throw error
        }
        try await secrets.delete(probe)
    }

    func pendingSecret(_ arn: String, token: String) async throws -> [String: Any] {
        guard let pending = try await secrets.value(of: arn, versionId: token, stage: Self.pending) else {
            throw Failure(description: "version \(token) of \(arn) has no value: run createSecret first")
        }
        return try Self.object(pending.string, arn: arn)
    }

    static func object(_ text: String, arn: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "\(arn) does not hold a JSON object")
        }
        return object
    }

    static func username(of secret: [String: Any], arn: String) throws -> String {
        guard let user = secret["username"] as? String, !user.isEmpty else { throw Failure(description: "\(arn) has no username") }
        return user
    }

    static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
