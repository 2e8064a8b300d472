import Crypto

/// AWS credentials as Lambda hands them to a function (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// An HTTP request as Signature Version 4 sees it. `path` and `query` are as they appear in the
/// request line (the query without `?`); header names in any case, in any order, repeats allowed.
public struct SigningRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for one service in one region: the signer the
/// runtime's clients use and the verifier the local Data API endpoint uses.
public struct SigV4: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public let service: String
    public let region: String

    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    /// The headers to add to `request`: `X-Amz-Date`, `X-Amz-Security-Token` when there is a session
    /// token, and `Authorization`. Every header of `request` (plus those two) is signed.
    public func sign(_ request: SigningRequest, credentials: AWSCredentials, amzDate: String) -> [(name: String, value: String)] {
        var request = request
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        request.headers += added
        let signed = Self.signedHeaderNames(request.headers)
        let signature = signature(request, signedHeaders: signed, secretAccessKey: credentials.secretAccessKey, amzDate: amzDate)
        let scope = credentialScope(date: String(amzDate.prefix(8)))
        added.append(("Authorization", "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
        return added
    }

    public func signature(_ request: SigningRequest, signedHeaders: [String], secretAccessKey: String, amzDate: String) -> String {
        let toSign = stringToSign(canonicalRequest: canonicalRequest(request, signedHeaders: signedHeaders), amzDate: amzDate)
        let key = signingKey(secretAccessKey: secretAccessKey, date: String(amzDate.prefix(8)))
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
    }

    public func credentialScope(date: String) -> String { "\(date)/\(region)/\(service)/aws4_request" }

    public func canonicalRequest(_ request: SigningRequest, signedHeaders: [String]) -> String {
        let headers = Self.canonicalHeaders(request.headers)
        let lines = signedHeaders.map { name in "\(name):\(headers[name] ?? "")" }
        return [
            request.method.uppercased(),
            service == "s3" ? request.path : Self.canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            lines.joined(separator: "\n") + "\n",
            signedHeaders.joined(separator: ";"),
            Hex.encode(SHA256.hash(data: request.body)),
        ].joined(separator: "\n")
    }

    public func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        [Self.algorithm, amzDate, credentialScope(date: String(amzDate.prefix(8))),
         Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    func signingKey(secretAccessKey: String, date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    // MARK: Canonical forms

    /// Lower-cased header names, sorted, each once.
    public static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        Array(Set(headers.map { $0.name.lowercased() })).sorted()
    }

    /// name → value: values trimmed, inner runs of spaces collapsed, repeats joined with commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            let cleaned = collapseSpaces(value)
            result[key] = result[key].map { "\($0),\(cleaned)" } ?? cleaned
        }
        return result
    }

    static func collapseSpaces(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }

    /// The path as sent, with `.`/`..` segments and repeated slashes removed, each segment
    /// percent-encoded once more (so `%20` on the wire signs as `%2520`, as botocore and AWS do
    /// for every service but S3). S3 signs the path exactly as sent: an object key may hold `//` or `..`.
    static func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailingSlash = path.hasSuffix("/") && !segments.isEmpty
        let encoded = segments.map { PercentEncoding.encode(String($0)) }.joined(separator: "/")
        return "/" + encoded + (trailingSlash ? "/" : "")
    }

    /// Parameters decoded, re-encoded strictly and sorted by name, then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.encode(PercentEncoding.decode(String(pieces[0])))
            let value = pieces.count > 1 ? PercentEncoding.encode(PercentEncoding.decode(String(pieces[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}

/// RFC 3986 percent-encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~` encoded, upper-case hex.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode([byte]).uppercased()
            }
        }
        return out
    }

    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ digest: SHA256.Digest) -> String { encode(Array(digest)) }
    public static func encode(_ code: HashedAuthenticationCode<SHA256>) -> String { encode(Array(code)) }
}
