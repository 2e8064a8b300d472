import AWSSigV4
import Foundation
import Testing
import TestSupport

/// Known answers for an rds-data ExecuteStatement, computed with botocore's SigV4Auth at a fixed clock.
@Suite struct RDSDataKnownAnswerTests {
    static let body = #"{"resourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:chat-cluster","secretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-secret-AbCdEf","sql":"SELECT id, content FROM messages WHERE conversation_id = :cid","database":"chat","parameters":[{"name":"cid","value":{"stringValue":"6f1c2a8e-0000-4000-8000-000000000001"},"typeHint":"UUID"}],"includeResultMetadata":true}"#
    static let signer = SigV4(service: "rds-data", region: "us-east-1")

    static func request() -> SigningRequest {
        SigningRequest(method: "POST", path: "/Execute",
                       headers: [("Content-Type", "application/json"), ("Host", "rds-data.us-east-1.amazonaws.com")],
                       body: Array(body.utf8))
    }

    @Test func withoutASessionToken() {
        #expect(Self.body.utf8.count == 387)
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let headers = Self.signer.sign(Self.request(), credentials: credentials, amzDate: "20240115T123456Z")
        var signed = Self.request()
        signed.headers += headers.filter { $0.name != "Authorization" }
        let canonical = Self.signer.canonicalRequest(signed, signedHeaders: ["content-type", "host", "x-amz-date"])
        #expect(canonical == """
            POST
            /Execute

            content-type:application/json
            host:rds-data.us-east-1.amazonaws.com
            x-amz-date:20240115T123456Z

            content-type;host;x-amz-date
            dbc32969db8d350d58906a4a5b44b224eaa0fa9c5e63deff2641b4c59223ac8c
            """)
        #expect(Self.signer.stringToSign(canonicalRequest: canonical, amzDate: "20240115T123456Z").hasSuffix("dba4541f1ebdb89d2374ed31443179d4dbb41965ac779d002db7eab378a32d88"))
        #expect(headers.first { $0.name == "Authorization" }?.value
            == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/us-east-1/rds-data/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=adf51de3af5e0fba01904b3f16707ff5fd135073f475ca4cd8ca5ada043fd397")
    }

    @Test func withASessionToken() {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN")
        let headers = Self.signer.sign(Self.request(), credentials: credentials, amzDate: "20240115T123456Z")
        let authorization = headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"))
        #expect(authorization.hasSuffix("Signature=62314cc154a0d5e130fe1bf2d6c8a76783d3e349e4a553d3596bcc07e4710276"))
    }

    @Test func theVerifierAcceptsItsOwnSignatureAndRefusesATamperedBody() throws {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
        let amzDate = AMZDate.format(secondsSince1970: 1_700_000_000)
        var request = Self.request()
        request.headers += Self.signer.sign(request, credentials: credentials, amzDate: amzDate)
        let verifier = SignatureVerifier(credentials: credentials, service: "rds-data")
        try verifier.verify(request, now: 1_700_000_000)
        var tampered = request
        tampered.body.append(UInt8(ascii: " "))
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(tampered, now: 1_700_000_000) }
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(request, now: 1_700_000_000 + 3600) }
        let stranger = SignatureVerifier(credentials: AWSCredentials(accessKeyId: "OTHER", secretAccessKey: "secret"), service: "rds-data")
        #expect(throws: SignatureVerifier.Failure.unknownAccessKey("The security token included in the request is invalid.")) {
            try stranger.verify(request, now: 1_700_000_000)
        }
    }

    @Test func amzDatesRoundTrip() {
        #expect(AMZDate.format(secondsSince1970: 1_705_322_096) == "20240115T123456Z")
        #expect(AMZDate.parse("20240115T123456Z") == 1_705_322_096)
    }
}

/// The AWS SigV4 test suite (Apache-2.0, kept with its licence under Tests/Fixtures): canonical
/// request, string to sign and Authorization header for every case.
@Suite struct AWSTestSuiteTests {
    static let root = TestPostgres.repositoryRoot
        .appendingPathComponent("Tests/Fixtures/aws-sig-v4-test-suite/aws-sig-v4-test-suite")
    /// The suite's authors computed these two without their content-length header.
    static let skipped: Set<String> = ["post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters"]

    static func cases() throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".req") }
            .map { String($0.dropLast(4)) }
            .filter { !skipped.contains(URL(fileURLWithPath: $0).lastPathComponent) }
            .sorted()
    }

    @Test func theSuiteIsThere() throws {
        #expect(try Self.cases().count >= 25, "expected the AWS test suite under \(Self.root.path)")
    }

    @Test(arguments: try cases())
    func signsLikeTheSuite(_ name: String) throws {
        let base = Self.root.appendingPathComponent(name)
        let raw = try String(contentsOfFile: base.path + ".req", encoding: .utf8)
        let request = try RawHTTPRequest.parse(raw)
        let signer = SigV4(service: "service", region: "us-east-1")
        let signedHeaders = SigV4.signedHeaderNames(request.headers)
        let canonical = signer.canonicalRequest(request, signedHeaders: signedHeaders)
        #expect(canonical == (try String(contentsOfFile: base.path + ".creq", encoding: .utf8)), "\(name)")
        let toSign = signer.stringToSign(canonicalRequest: canonical, amzDate: "20150830T123600Z")
        #expect(toSign == (try String(contentsOfFile: base.path + ".sts", encoding: .utf8)), "\(name)")
        let signature = signer.signature(request, signedHeaders: signedHeaders,
                                         secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", amzDate: "20150830T123600Z")
        let authorization = try String(contentsOfFile: base.path + ".authz", encoding: .utf8)
        #expect(authorization.hasSuffix("Signature=\(signature)"), "\(name)")
    }
}

/// Reads the suite's `.req` files: request line, headers (continuation lines folded in), body.
enum RawHTTPRequest {
    struct Malformed: Error {}

    static func parse(_ text: String) throws -> SigningRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 3 else { throw Malformed() }
        let target = requestLine[1..<(requestLine.count - 1)].joined(separator: " ")
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody { bodyLines.append(line); continue }
            if line.isEmpty { inBody = true; continue }
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + "," + line.trimmingCharacters(in: .whitespaces)))
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            headers.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        }
        return SigningRequest(method: String(requestLine[0]), path: String(pathAndQuery[0]),
                              query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : "",
                              headers: headers, body: Array(bodyLines.joined(separator: "\n").utf8))
    }
}
