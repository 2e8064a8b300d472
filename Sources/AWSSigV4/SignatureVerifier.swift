/// Checks the SigV4 signature of an incoming request against one known key pair, the way an AWS
/// endpoint does, and says why a request is refused with the error code AWS would send.
public struct SignatureVerifier: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        /// No `Authorization` header, or one that is not SigV4 (`MissingAuthenticationTokenException`).
        case missing(String)
        /// An access key this endpoint does not know (`UnrecognizedClientException`).
        case unknownAccessKey(String)
        /// A signature that does not match, a wrong scope, or an expired date (`InvalidSignatureException`).
        case mismatch(String)
    }

    public let credentials: AWSCredentials
    public let service: String
    /// How far `X-Amz-Date` may be from now, as AWS allows.
    public var allowedSkewSeconds = 15 * 60

    public init(credentials: AWSCredentials, service: String) {
        self.credentials = credentials
        self.service = service
    }

    public func verify(_ request: SigningRequest, now: Int) throws(Failure) {
        guard let authorization = request.headers.first(where: { $0.name.lowercased() == "authorization" })?.value,
              authorization.hasPrefix(SigV4.algorithm + " ") else {
            throw .missing("Missing Authentication Token")
        }
        var parts: [String: String] = [:]
        for item in authorization.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let pair = item.trimmingSpaces().split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[String(pair[0])] = String(pair[1]) }
        }
        guard let credential = parts["Credential"], let signedHeaders = parts["SignedHeaders"], let signature = parts["Signature"] else {
            throw .missing("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { throw .mismatch("Credential should be scoped to a valid region.") }
        guard scope[0] == credentials.accessKeyId else { throw .unknownAccessKey("The security token included in the request is invalid.") }
        guard scope[3] == service else { throw .mismatch("Credential should be scoped to correct service: '\(service)'.") }
        guard let amzDate = request.headers.first(where: { $0.name.lowercased() == "x-amz-date" })?.value,
              let signedAt = AMZDate.parse(amzDate) else {
            throw .missing("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        if abs(signedAt - now) > allowedSkewSeconds { throw .mismatch("Signature expired: \(amzDate) is now earlier than allowed.") }
        guard String(amzDate.prefix(8)) == scope[1] else { throw .mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.") }
        if let token = credentials.sessionToken,
           request.headers.first(where: { $0.name.lowercased() == "x-amz-security-token" })?.value != token {
            throw .unknownAccessKey("The security token included in the request is invalid.")
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host") else { throw .mismatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.") }
        let signer = SigV4(service: service, region: scope[2])
        let expected = signer.signature(request, signedHeaders: names, secretAccessKey: credentials.secretAccessKey, amzDate: amzDate)
        guard constantTimeEqual(expected, signature) else {
            throw .mismatch("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
