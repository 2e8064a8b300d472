import AWSServices
import ArgumentParser
import Foundation

/// Which AWS credentials and region the other commands would use, and where they come from: the
/// first thing to run when AWS refuses a request.
struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where the AWS credentials and region come from (the AWS SDKs' chain), and fetch the credentials once.",
        discussion: """
            The chain, in order: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN \
            (STS AssumeRoleWithWebIdentity); the profile AWS_PROFILE names (or default) in ~/.aws/config and \
            ~/.aws/credentials: role_arn with source_profile or credential_source, SSO (the token `aws sso login` cached), \
            static keys, credential_process; AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI (ECS, EKS Pod Identity); \
            EC2 instance metadata (IMDSv2). The region: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, instance \
            metadata. Prints JSON; the access key id is shown by its last four characters. Exit status: 0 credentials were \
            fetched; 1 the source refused or did not answer; 2 nothing is configured or a setting is wrong.
            """)

    func run() async throws {
        let chain = AWSCredentialChain(environment: ProcessInfo.processInfo.environment)
        let source: CredentialSource
        switch chain.selection {
        case .success(let chosen): source = chosen
        case .failure(let error): throw ValidationError("\(error)")
        }
        let resolved: ResolvedCredentials
        do {
            resolved = try await chain.resolved()
        } catch {
            FileHandle.standardError.write(Data("chat-store: credentials: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let region = await chain.resolvedRegion()
        struct Report: Encodable {
            var source: String
            var kind: String
            var accessKeyIdEnding: String
            var sessionToken: Bool
            var expiration: String?
            var region: String?
            var regionSource: String?
        }
        try printJSON(Report(source: source.description, kind: source.kind, accessKeyIdEnding: String(resolved.credentials.accessKeyId.suffix(4)),
                             sessionToken: resolved.credentials.sessionToken != nil,
                             expiration: resolved.expiration.map { $0.formatted(.iso8601) }, region: region?.region, regionSource: region?.source))
    }
}
