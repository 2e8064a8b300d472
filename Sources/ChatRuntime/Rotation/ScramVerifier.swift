import Crypto
import Foundation

/// A password as PostgreSQL stores it under `scram-sha-256`: `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`
/// (RFC 5802, RFC 7677; PostgreSQL's "Password Authentication"). `ALTER ROLE … PASSWORD` accepts
/// the verifier itself, so the rotation never writes a password into SQL text, where
/// `log_statement` or pgaudit would keep it in the database's log.
enum ScramVerifier {
    static let iterations = 4096

    static func verifier(for password: String, salt: [UInt8]? = nil) -> String {
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = SymmetricKey(data: Array(password.utf8))
        let salted = saltedPassword(key: key, salt: salt)
        let clientKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: SymmetricKey(data: salted)))
        let storedKey = Array(SHA256.hash(data: clientKey))
        let serverKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: SymmetricKey(data: salted)))
        return "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }

    /// Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC-SHA-256, one block.
    static func saltedPassword(key: SymmetricKey, salt: [UInt8]) -> [UInt8] {
        var block = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = block
        for _ in 1..<iterations {
            block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }
}
