import Testing
import TestSupport
@testable import CloudFormation

/// A route key's logical-ID part is read byte by byte for ASCII keys; it must be what the general,
/// Unicode-aware reading makes of the same key (the peer), on the routes' own shapes and on random
/// ASCII text. The seed and the differing key are printed.
@Suite struct RouteLogicalIdTests {
    @Test(arguments: ["POST /bots/{botId}", "GET /conversations/{conversationId}/messages", "$default", "DELETE /x2fa/ABC-def_9"])
    func routeKeysReadAsTheGeneralReadingDoes(_ key: String) {
        #expect(AuthenticatedHTTPAPI.logicalIdPart(key) == AuthenticatedHTTPAPI.wordsCapitalized(key))
    }

    @Test func randomASCIIKeysReadAsTheGeneralReadingDoes() {
        let seed: UInt64 = 0x1D_9A47
        var random = SeededRandom(seed: seed)
        var differences: [String] = []
        for _ in 0..<5_000 {
            let key = String(decoding: (0..<random.below(24)).map { _ in UInt8(random.below(128)) }, as: UTF8.self)
            if AuthenticatedHTTPAPI.logicalIdPart(key) != AuthenticatedHTTPAPI.wordsCapitalized(key) { differences.append(key.debugDescription) }
        }
        #expect(differences.count == 0, "seed \(seed): \(differences.prefix(5))")
    }
}
