import AWSServices
import AWSSigV4
import Testing

/// Which source the credential chain chooses from the environment and the shared files, and what
/// it says when a setting is wrong. (Fetching from each source, against botocore and local
/// stand-ins, is Tests/DataAPIClients/test_credential_chain.py.)
struct CredentialSourceTests {
    static let files = SharedConfigFiles(
        configPath: "~/.aws/config",
        config: """
            [default]
            region = us-west-2

            [profile cfg]
            aws_access_key_id = AKIACONFIG
            aws_secret_access_key = cfg-secret
            # a comment line
            s3 =
              max_concurrent_requests = 20

            [profile ops]
            role_arn = arn:aws:iam::123456789012:role/operator
            source_profile = dev
            external_id = outside

            [profile loop-a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = loop-b

            [profile loop-b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = loop-a

            [profile self]
            role_arn = arn:aws:iam::123456789012:role/self
            source_profile = self
            aws_access_key_id = AKIASELF
            aws_secret_access_key = self-secret

            [profile ecs]
            role_arn = arn:aws:iam::123456789012:role/task
            credential_source = EcsContainer

            [profile lonely-role]
            role_arn = arn:aws:iam::123456789012:role/lonely

            [profile corp]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = ChatOperator

            [profile half-sso]
            sso_start_url = https://example.awsapps.com/start

            [sso-session corp]
            sso_start_url = https://example.awsapps.com/start
            sso_region = us-east-1

            [profile proc]
            credential_process = /usr/local/bin/fetch-keys --json

            [profile only-region]
            region = sa-east-1
            """,
        credentialsPath: "~/.aws/credentials",
        credentials: """
            [dev]
            aws_access_key_id = AKIADEV
            aws_secret_access_key = dev-secret
            aws_session_token = dev-token

            [proc]
            aws_access_key_id = AKIAPROCKEYS
            aws_secret_access_key = proc-secret
            """)

    func select(_ environment: [String: String]) throws(CredentialError) -> CredentialSource {
        try CredentialSource.select(environment: environment, files: Self.files)
    }

    @Test func environmentVariablesComeFirst() throws {
        let source = try select(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "dev",
                                 "AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"])
        #expect(source == .environment(AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "s")))
        #expect(source.kind == "env")
    }

    @Test func aWebIdentityTokenFileComesBeforeTheProfile() throws {
        let source = try select(["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci", "AWS_PROFILE": "dev"])
        #expect(source == .webIdentity(tokenFile: "/var/run/token", roleArn: "arn:aws:iam::1:role/ci", sessionName: "chat-store", profile: nil))
    }

    @Test func profilesGiveKeysRolesProcessesAndSSO() throws {
        #expect(try select(["AWS_PROFILE": "dev"]) == .profileKeys(profile: "dev", file: "~/.aws/credentials",
                                                                     credentials: AWSCredentials(accessKeyId: "AKIADEV", secretAccessKey: "dev-secret", sessionToken: "dev-token")))
        #expect(try select(["AWS_PROFILE": "cfg"]).kind == "config-file")
        let assumed = try select(["AWS_PROFILE": "ops"])
        guard case .assumeRole(let profile, let role, _, let externalId, _, let base) = assumed else { Issue.record("\(assumed)"); return }
        #expect((profile, role, externalId) == ("ops", "arn:aws:iam::123456789012:role/operator", "outside"))
        #expect(base.kind == "shared-credentials-file")
        #expect(assumed.description == #"role arn:aws:iam::123456789012:role/operator of profile "ops", assumed with profile "dev" in ~/.aws/credentials"#)
        // A profile that is its own source signs with its own keys.
        guard case .assumeRole(_, _, _, _, _, let ownKeys) = try select(["AWS_PROFILE": "self"]) else { Issue.record("self"); return }
        #expect(ownKeys.kind == "config-file")
        #expect(try select(["AWS_PROFILE": "corp"]) == .sso(profile: "corp", session: "corp", startURL: "https://example.awsapps.com/start",
                                                              region: "us-east-1", accountId: "123456789012", roleName: "ChatOperator"))
        // Keys in the credentials file come before credential_process (botocore's order).
        #expect(try select(["AWS_PROFILE": "proc"]).kind == "shared-credentials-file")
        let withoutKeys = SharedConfigFiles(configPath: "c", config: "[profile p]\ncredential_process = fetch --json\n", credentialsPath: "k", credentials: "")
        #expect(try CredentialSource.select(environment: ["AWS_PROFILE": "p"], files: withoutKeys) == .process(profile: "p", command: "fetch --json"))
    }

    @Test func aRoleTakenFromTheContainerAssumesWithItsCredentials() throws {
        let source = try select(["AWS_PROFILE": "ecs", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"])
        guard case .assumeRole(_, _, _, _, _, let base) = source else { Issue.record("\(source)"); return }
        #expect(base == .container(url: "http://169.254.170.2/v2/credentials/abc", authorization: nil))
    }

    @Test func withoutAnyProfileTheContainerThenInstanceMetadataAreAsked() throws {
        let empty = SharedConfigFiles(configPath: "c", config: "", credentialsPath: "k", credentials: "")
        #expect(try CredentialSource.select(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds",
                                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/token"], files: empty)
                == .container(url: "http://127.0.0.1:8080/creds", authorization: .tokenFile("/var/run/token")))
        #expect(try CredentialSource.select(environment: [:], files: empty) == .instanceMetadata(endpoint: "http://169.254.169.254"))
        // A profile with nothing but a region does not stop the chain.
        #expect(try select(["AWS_PROFILE": "only-region", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"])
                == .instanceMetadata(endpoint: "http://127.0.0.1:1338"))
    }

    @Test(arguments: [
        (["AWS_PROFILE": "nosuch"], "AWS_PROFILE", #"names profile "nosuch", which neither ~/.aws/config nor ~/.aws/credentials has"#),
        (["AWS_ACCESS_KEY_ID": "AKIA"], "AWS_SECRET_ACCESS_KEY", "is not set, but AWS_ACCESS_KEY_ID is"),
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/token"], "AWS_ROLE_ARN", "is not set, but AWS_WEB_IDENTITY_TOKEN_FILE is"),
        (["AWS_PROFILE": "loop-a"], "source_profile", #"profiles "loop-a" → "loop-b" → "loop-a" form a cycle"#),
        (["AWS_PROFILE": "lonely-role"], "role_arn", "has role_arn but neither source_profile, credential_source nor web_identity_token_file"),
        (["AWS_PROFILE": "half-sso"], "sso_start_url", "needs sso_start_url, sso_region, sso_account_id and sso_role_name"),
        (["AWS_PROFILE": "only-region", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.5/creds"], "AWS_CONTAINER_CREDENTIALS_FULL_URI",
         "is plain HTTP to a host other than a loopback or the ECS/EKS agents"),
        (["AWS_PROFILE": "only-region", "AWS_EC2_METADATA_DISABLED": "true"], "AWS_ACCESS_KEY_ID", "no AWS credentials: none in environment variables"),
    ])
    func aWrongSettingIsNamedWithItsFix(environment: [String: String], setting: String, words: String) {
        do {
            let source = try select(environment)
            Issue.record("chose \(source)")
        } catch {
            #expect(error.setting == setting)
            #expect(error.problem.contains(words), "\(error.problem)")
        }
    }

    @Test func theRegionComesFromTheEnvironmentThenTheProfile() async {
        let files = Self.files
        #expect(AWSCredentialChain(environment: ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"], files: files).configuredRegion?.region == "eu-west-1")
        #expect(AWSCredentialChain(environment: ["AWS_DEFAULT_REGION": "eu-west-2"], files: files).configuredRegion?.region == "eu-west-2")
        let fromProfile = AWSCredentialChain(environment: ["AWS_PROFILE": "only-region"], files: files).configuredRegion
        #expect(fromProfile?.region == "sa-east-1")
        #expect(fromProfile?.source == #"profile "only-region" in ~/.aws/config"#)
        #expect(AWSCredentialChain(environment: [:], files: files).configuredRegion?.region == "us-west-2")
    }

    /// Keys that never expire are fetched once; the chain hands the same ones to every caller.
    @Test func staticKeysAreFetchedOnce() async throws {
        let chain = AWSCredentialChain(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"], files: Self.files)
        for _ in 0..<3 { #expect(try await chain.credentials().accessKeyId == "AKIAENV") }
        #expect(await chain.fetches == 1)
        #expect(chain.source == "environment variables (AWS_ACCESS_KEY_ID)")
    }
}
