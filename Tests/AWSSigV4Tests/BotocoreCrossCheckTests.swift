import AWSSigV4
import Foundation
import Testing
import TestSupport

/// The signer against botocore's SigV4Auth on random requests: paths, queries, headers with odd
/// spacing, binary and JSON bodies, with and without a session token.
@Suite(.timeLimit(.minutes(5))) struct BotocoreCrossCheckTests {
    struct Case: Decodable {
        var method: String
        var path: String
        var query: String
        var region: String
        var headers: [[String]]
        var body: String
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
        var amzDate: String
        var authorization: String
    }

    /// S3 signs the path as sent, where every other service normalizes and encodes it again.
    @Test(arguments: ["rds-data", "s3"])
    func twoHundredRandomRequestsSignLikeBotocore(_ service: String) throws {
        let result = try PythonTool.run(script: "sigv4_botocore_cases.py", arguments: ["200", "20240115", service])
        #expect(result.status == 0, "\(result.output)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(result.output.utf8))
        #expect(cases.count == 200)
        #expect(cases.contains { $0.sessionToken != nil } && cases.contains { $0.sessionToken == nil })
        if service == "s3" { #expect(cases.contains { $0.path.contains("//") || $0.path.contains("/./") }, "paths S3 does not normalize") }
        for (index, item) in cases.enumerated() {
            let request = SigningRequest(method: item.method, path: item.path, query: item.query,
                                         headers: item.headers.map { ($0[0], $0[1]) },
                                         body: Array(Data(base64Encoded: item.body) ?? Data()))
            let credentials = AWSCredentials(accessKeyId: item.accessKeyId, secretAccessKey: item.secretAccessKey, sessionToken: item.sessionToken)
            let headers = SigV4(service: service, region: item.region).sign(request, credentials: credentials, amzDate: item.amzDate)
            let authorization = headers.first { $0.name == "Authorization" }?.value
            #expect(authorization == item.authorization, "case \(index): \(item.method) \(item.path)?\(item.query)")
        }
    }
}
