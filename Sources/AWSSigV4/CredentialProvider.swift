/// Where a client gets the credentials it signs each request with: a fixed set, or a source that
/// renews them before they expire (`AWSCredentialChain`'s). Clients ask for every request, so a
/// long run (a sync of many pages) always signs with credentials that are still valid.
public protocol AWSCredentialProvider: Sendable {
    /// Credentials valid for at least the next few minutes.
    func credentials() async throws -> AWSCredentials
    /// Where they came from, as messages name it: `environment variables`, `profile "dev" in ~/.aws/credentials`.
    var source: String { get }
}

extension AWSCredentials: AWSCredentialProvider {
    public func credentials() async throws -> AWSCredentials { self }
    public var source: String { "the credentials given" }
}

/// The error codes by which AWS services refuse the credentials themselves (not what they may do),
/// so a message can say where the credentials came from.
public enum CredentialRejection {
    public static let codes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "ExpiredToken",
        "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
        "InvalidAccessKeyId", "AuthFailure", "TokenRefreshRequired",
    ]

    /// `message`, and for a code that refuses the credentials, which source they came from.
    public static func describe(code: String, message: String, source: String) -> String {
        codes.contains(code) ? "\(message) (the credentials came from \(source))" : message
    }
}
