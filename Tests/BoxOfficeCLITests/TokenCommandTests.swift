import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import TestSupport
import Testing

/// `boxoffice token` as a developer runs it: the built executable, a key written by the openssl
/// CLI, and the token checked by the verifier the gateway uses.
@Suite("boxoffice token mints tokens the gateway's verifier accepts")
struct TokenCommandTests {
    /// The executable `swift build --build-tests` leaves next to the test bundle.
    static let executable: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/boxoffice").path
    }()

    static func keyFile() throws -> (path: String, key: Ed25519PrivateKey) {
        let path = NSTemporaryDirectory() + TestEnvironment.uniqueName("token_key") + ".pem"
        _ = try ChildProcess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", path])
        return (path, try Ed25519PrivateKey(pem: try String(contentsOfFile: path, encoding: .utf8)))
    }

    @Test("an admin token for a given user verifies with issuer, audience, subject and role")
    func adminToken() throws {
        let (path, key) = try Self.keyFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let subject = UUID().uuidString.lowercased()
        let token = try ChildProcess.run([
            Self.executable, "token", "--key", path, "--subject", subject, "--admin", "--issuer", "iss-test",
            "--audience", "aud-test", "--lifetime-minutes", "5",
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        let verifier = JWTVerifier(keys: [.ed25519(key.publicKey, kid: nil)], issuer: "iss-test", audience: "aud-test")
        let claims = try verifier.verify(token)
        #expect(claims.subject == subject)
        #expect(claims.roles == ["admin"])
        #expect(claims.expiresAt.timeIntervalSinceNow > 4 * 60 && claims.expiresAt.timeIntervalSinceNow <= 5 * 60)
        // Another audience is refused: the command really wrote the one it was given.
        let other = JWTVerifier(keys: [.ed25519(key.publicKey, kid: nil)], issuer: "iss-test", audience: "other")
        #expect(throws: JWTError.self) { try other.verify(token) }
    }

    @Test("a subject that is not a UUID and an over-long lifetime are refused with the option named")
    func badOptions() throws {
        let (path, _) = try Self.keyFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (arguments, option) in [
            (["--subject", "alice"], "--subject"), (["--lifetime-minutes", "100000"], "--lifetime-minutes"),
        ] {
            let failure = try #require(
                throws: ChildProcess.Failure.self,
                performing: { try ChildProcess.run([Self.executable, "token", "--key", path] + arguments) }
            )
            #expect(failure.output.contains(option))
        }
    }
}
