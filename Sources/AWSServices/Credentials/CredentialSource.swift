import AWSSigV4
import Foundation

/// Where AWS credentials come from, chosen as the AWS SDKs' default chain chooses: environment
/// variables, then a web identity token file, then the profile's settings in the shared files,
/// then a container credentials endpoint (ECS, EKS Pod Identity), then EC2 instance metadata.
/// Choosing reads only the environment and the files; fetching (`CredentialFetcher`) is what
/// calls STS, SSO, the container endpoint or IMDS.
public indirect enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
    case environment(AWSCredentials)
    /// `AssumeRoleWithWebIdentity` with the token the file holds (read again at every refresh).
    case webIdentity(tokenFile: String, roleArn: String, sessionName: String, profile: String?)
    case profileKeys(profile: String, file: String, credentials: AWSCredentials)
    /// `AssumeRole`, signed with the credentials of `base` (a `source_profile` or a `credential_source`).
    case assumeRole(profile: String, roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?, base: CredentialSource)
    case process(profile: String, command: String)
    case sso(profile: String, session: String?, startURL: String, region: String, accountId: String, roleName: String)
    case container(url: String, authorization: ContainerAuthorization?)
    case instanceMetadata(endpoint: String)

    public enum ContainerAuthorization: Sendable, Equatable {
        case token(String)
        /// Read at every fetch: EKS Pod Identity rotates it.
        case tokenFile(String)
    }

    public var description: String {
        switch self {
        case .environment: "environment variables (AWS_ACCESS_KEY_ID)"
        case .webIdentity(let file, let role, _, let profile):
            "web identity token \(file) for role \(role)" + (profile.map { " (profile \"\($0)\")" } ?? " (AWS_WEB_IDENTITY_TOKEN_FILE)")
        case .profileKeys(let profile, let file, _): "profile \"\(profile)\" in \(file)"
        case .assumeRole(let profile, let role, _, _, _, let base): "role \(role) of profile \"\(profile)\", assumed with \(base)"
        case .process(let profile, _): "credential_process of profile \"\(profile)\""
        case .sso(let profile, _, _, _, let account, let role): "SSO of profile \"\(profile)\" (account \(account), role \(role))"
        case .container(let url, _): "the container credentials endpoint \(url)"
        case .instanceMetadata(let endpoint): "EC2 instance metadata (IMDSv2 at \(endpoint))"
        }
    }

    /// The kind of source as botocore names its providers (`credentials.method`), so the two can be compared.
    public var kind: String {
        switch self {
        case .environment: "env"
        case .webIdentity: "assume-role-with-web-identity"
        case .profileKeys(_, let file, _): file.hasSuffix("credentials") ? "shared-credentials-file" : "config-file"
        case .assumeRole: "assume-role"
        case .process: "custom-process"
        case .sso: "sso"
        case .container: "container-role"
        case .instanceMetadata: "iam-role"
        }
    }
}

/// Why no source could be chosen or fetched from: the setting to change, in plain words.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable or setting at fault (`AWS_PROFILE`, `AWS_ROLE_ARN`, `role_arn`).
    public var setting: String
    public var problem: String
    public var description: String { "\(setting): \(problem)" }

    public init(_ setting: String, _ problem: String) {
        self.setting = setting
        self.problem = problem
    }
}

extension CredentialSource {
    /// The source the environment and the shared files point at. EC2 instance metadata, the last
    /// resort, is chosen when nothing else is set (unless `AWS_EC2_METADATA_DISABLED=true`);
    /// whether it answers is known only when fetching.
    public static func select(environment: [String: String], files: SharedConfigFiles) throws(CredentialError) -> CredentialSource {
        func value(_ name: String) -> String? { environment.nonEmpty(name) }

        switch (value("AWS_ACCESS_KEY_ID"), value("AWS_SECRET_ACCESS_KEY")) {
        case (_?, _?): return environmentKeys(environment)!
        case (_?, nil): throw CredentialError("AWS_SECRET_ACCESS_KEY", "is not set, but AWS_ACCESS_KEY_ID is; set both, or neither to use a profile")
        case (nil, _?): throw CredentialError("AWS_ACCESS_KEY_ID", "is not set, but AWS_SECRET_ACCESS_KEY is; set both, or neither to use a profile")
        case (nil, nil): break
        }

        if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") {
            guard let role = value("AWS_ROLE_ARN") else {
                throw CredentialError("AWS_ROLE_ARN", "is not set, but AWS_WEB_IDENTITY_TOKEN_FILE is; set the role to assume with the token")
            }
            return .webIdentity(tokenFile: tokenFile, roleArn: role, sessionName: value("AWS_ROLE_SESSION_NAME") ?? defaultSessionName, profile: nil)
        }

        let named = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE")
        let profileName = named ?? "default"
        if let profile = files.profile(profileName) {
            if let source = try fromProfile(profile, files: files, environment: environment, visited: []) { return source }
        } else if named != nil {
            throw CredentialError(value("AWS_PROFILE") != nil ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE",
                                  "names profile \"\(profileName)\", which neither \(files.configPath) nor \(files.credentialsPath) has; "
                                  + "check the name (`aws configure list-profiles`)")
        }

        if let container = try containerSource(environment) { return container }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            throw CredentialError("AWS_ACCESS_KEY_ID", "no AWS credentials: none in environment variables, no AWS_WEB_IDENTITY_TOKEN_FILE, no profile \"\(profileName)\" "
                                  + "with credentials in \(files.configPath) or \(files.credentialsPath), no container endpoint, and EC2 instance metadata is disabled. "
                                  + "Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        return instanceMetadataSource(environment)
    }

    /// EC2 instance metadata, at `AWS_EC2_METADATA_SERVICE_ENDPOINT` or its usual address.
    static func instanceMetadataSource(_ environment: [String: String]) -> CredentialSource {
        .instanceMetadata(endpoint: environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
                          ?? "http://169.254.169.254")
    }

    static let defaultSessionName = "chat-store"

    static func environmentKeys(_ environment: [String: String]) -> CredentialSource? {
        guard let key = environment.nonEmpty("AWS_ACCESS_KEY_ID"), let secret = environment.nonEmpty("AWS_SECRET_ACCESS_KEY") else { return nil }
        return .environment(AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: environment.nonEmpty("AWS_SESSION_TOKEN")))
    }

    /// A profile's credentials, in botocore's order: a role to assume, SSO, keys of the credentials
    /// file, `credential_process`, keys of the config file. Nil when the profile sets none (only a
    /// region, say): the chain then goes on to the container and instance metadata.
    static func fromProfile(_ profile: SharedConfigFiles.Profile, files: SharedConfigFiles, environment: [String: String],
                            visited: [String]) throws(CredentialError) -> CredentialSource? {
        let name = profile.name
        func keys() throws(CredentialError) -> CredentialSource? {
            guard let key = profile["aws_access_key_id"] else { return nil }
            guard let secret = profile["aws_secret_access_key"] else {
                throw CredentialError("aws_secret_access_key", "profile \"\(name)\" has aws_access_key_id but not aws_secret_access_key; add it")
            }
            return .profileKeys(profile: name, file: profile.keysFile ?? files.credentialsPath,
                                credentials: AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: profile["aws_session_token"]))
        }

        if let role = profile["role_arn"] {
            let session = profile["role_session_name"] ?? defaultSessionName
            let duration = profile["duration_seconds"].flatMap(Int.init)
            if let sourceName = profile["source_profile"] {
                guard !visited.contains(sourceName) || sourceName == name else {
                    throw CredentialError("source_profile", "profiles \((visited + [name, sourceName]).map { "\"\($0)\"" }.joined(separator: " → ")) form a cycle; end the chain at a profile with keys")
                }
                guard let sourceProfile = files.profile(sourceName) else {
                    throw CredentialError("source_profile", "profile \"\(name)\" names source_profile \"\(sourceName)\", which the files do not have")
                }
                // A profile that is its own source signs with its own keys (botocore's rule).
                let base = sourceName == name
                    ? try keys()
                    : try fromProfile(sourceProfile, files: files, environment: environment, visited: visited + [name])
                guard let base else {
                    throw CredentialError("source_profile", "profile \"\(sourceName)\" (the source of \"\(name)\") has no credentials of its own")
                }
                return .assumeRole(profile: name, roleArn: role, sessionName: session, externalId: profile["external_id"], durationSeconds: duration, base: base)
            }
            if let origin = profile["credential_source"] {
                let base: CredentialSource?
                switch origin {
                case "Environment": base = environmentKeys(environment)
                case "EcsContainer": base = try containerSource(environment)
                case "Ec2InstanceMetadata": base = instanceMetadataSource(environment)
                default:
                    throw CredentialError("credential_source", "profile \"\(name)\" has credential_source \(origin); it is one of Environment, EcsContainer, Ec2InstanceMetadata")
                }
                guard let base else { throw CredentialError("credential_source", "profile \"\(name)\" takes its credentials from \(origin), which has none") }
                return .assumeRole(profile: name, roleArn: role, sessionName: session, externalId: profile["external_id"], durationSeconds: duration, base: base)
            }
            if let tokenFile = profile["web_identity_token_file"] {
                return .webIdentity(tokenFile: tokenFile, roleArn: role, sessionName: session, profile: name)
            }
            throw CredentialError("role_arn", "profile \"\(name)\" has role_arn but neither source_profile, credential_source nor web_identity_token_file to assume it with")
        }

        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            var settings = profile.settings
            if let sessionName = profile["sso_session"] {
                guard let session = files.ssoSession(sessionName) else {
                    throw CredentialError("sso_session", "profile \"\(name)\" names sso-session \"\(sessionName)\", which \(files.configPath) does not have")
                }
                settings.merge(session) { own, _ in own }
            }
            guard let start = settings["sso_start_url"], let region = settings["sso_region"],
                  let account = settings["sso_account_id"], let role = settings["sso_role_name"] else {
                throw CredentialError("sso_start_url", "profile \"\(name)\" needs sso_start_url, sso_region, sso_account_id and sso_role_name (run `aws configure sso`)")
            }
            return .sso(profile: name, session: profile["sso_session"], startURL: start, region: region, accountId: account, roleName: role)
        }

        if profile.keysFile == files.credentialsPath, let fromCredentials = try keys() { return fromCredentials }
        if let command = profile["credential_process"] { return .process(profile: name, command: command) }
        return try keys()
    }

    /// The ECS or EKS container endpoint the environment names; a full URI over plain HTTP must be
    /// a loopback or the container agents' addresses, as the SDKs require.
    static func containerSource(_ environment: [String: String]) throws(CredentialError) -> CredentialSource? {
        func value(_ name: String) -> String? { environment.nonEmpty(name) }
        let authorization: ContainerAuthorization? = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map { .tokenFile($0) }
            ?? value("AWS_CONTAINER_AUTHORIZATION_TOKEN").map { .token($0) }
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return .container(url: "http://169.254.170.2" + relative, authorization: authorization)
        }
        guard let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard let url = URL(string: full), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw CredentialError("AWS_CONTAINER_CREDENTIALS_FULL_URI", "\(full) is not an http:// or https:// URL")
        }
        let agents = ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
        guard scheme == "https" || host.hasPrefix("127.") || agents.contains(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) else {
            throw CredentialError("AWS_CONTAINER_CREDENTIALS_FULL_URI", "\(full) is plain HTTP to a host other than a loopback or the ECS/EKS agents; use https://")
        }
        return .container(url: full, authorization: authorization)
    }
}
