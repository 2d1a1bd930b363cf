import ArgumentParser
import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation

/// `boxoffice token`: mints a bearer token for local development and demos, signed with an
/// Ed25519 key that the local gateway trusts (`./dev up` creates the key pair under `.local/keys`).
///
/// Production tokens come from the cinema's auth service; this command stands in for it on a
/// developer's machine, so it refuses lifetimes longer than a day.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint a development bearer token (EdDSA) for the local gateway.",
        discussion: """
            Prints the token on standard output. The private key is a PEM file (PKCS#8 Ed25519), \
            as `openssl genpkey -algorithm ed25519` writes it; the gateway must trust its public key \
            (GATEWAY_JWT_PUBLIC_KEYS) and use the same issuer and audience.
            """
    )

    /// The longest lifetime a development token may have.
    static let lifetimeMinutesMax = 24 * 60

    @Option(name: .long, help: "The Ed25519 private key (PEM file).")
    var key: String

    @Option(name: .long, help: "The user id (`sub`), a UUID; a random one when omitted.")
    var subject: String?

    @Flag(name: .long, help: "Add the `admin` role, for admin routes.")
    var admin = false

    @Option(name: .long, help: "The `iss` claim.")
    var issuer = "boxoffice-dev"

    @Option(name: .long, help: "The `aud` claim.")
    var audience = "boxoffice"

    @Option(name: .long, help: "The `kid` header, if the gateway's key has one.")
    var kid: String?

    @Option(name: .long, help: "Minutes until `exp` (at most \(Token.lifetimeMinutesMax)).")
    var lifetimeMinutes = 60

    func validate() throws {
        if let subject, UUID(uuidString: subject) == nil {
            throw ValidationError("--subject must be a UUID, e.g. \(UUID().uuidString.lowercased())")
        }
        guard (1...Self.lifetimeMinutesMax).contains(self.lifetimeMinutes) else {
            throw ValidationError("--lifetime-minutes must be between 1 and \(Self.lifetimeMinutesMax)")
        }
    }

    func run() async throws {
        let pem: String
        do {
            pem = try String(contentsOfFile: self.key, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read --key \(self.key): \(error.localizedDescription)")
        }
        let privateKey: Ed25519PrivateKey
        do {
            privateKey = try Ed25519PrivateKey(pem: pem)
        } catch {
            // The error names the problem, never the key's bytes.
            throw ValidationError("--key \(self.key) is not an Ed25519 private key in PEM: \(error)")
        }
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: JSONValue] = [
            "sub": .string(self.subject?.lowercased() ?? UUID().uuidString.lowercased()),
            "iss": .string(self.issuer),
            "aud": .string(self.audience),
            "iat": .number(Double(now)),
            "exp": .number(Double(now + self.lifetimeMinutes * 60)),
            "jti": .string(UUID().uuidString.lowercased()),
        ]
        if self.admin { claims["roles"] = .array([.string("admin")]) }
        print(try JWTSigner.ed25519(privateKey: privateKey, kid: self.kid).sign(claims))
    }
}
