import BoxOfficeCrypto
import Testing

@Suite struct Ed25519Tests {
    struct Vector: Sendable, CustomStringConvertible {
        var name: String
        var secretKey: String
        var publicKey: String
        var message: String
        var signature: String
        var description: String { self.name }
    }

    // RFC 8032 §7.1, TEST 1–3.
    static let vectors: [Vector] = [
        Vector(
            name: "RFC 8032 TEST 1",
            secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature:
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        Vector(
            name: "RFC 8032 TEST 2",
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature:
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        Vector(
            name: "RFC 8032 TEST 3",
            secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature:
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ]

    @Test(arguments: Self.vectors)
    func derivesPublicKeyAndSignsAsRFC8032(_ vector: Vector) throws {
        let key = try Ed25519PrivateKey(rawRepresentation: [UInt8](hex: vector.secretKey))
        #expect(key.rawRepresentation.hex == vector.secretKey)
        #expect(key.publicKey.rawRepresentation.hex == vector.publicKey)
        let message = [UInt8](hex: vector.message)
        #expect(try key.signature(for: message).hex == vector.signature)
    }

    @Test(arguments: Self.vectors)
    func verifiesRFC8032SignatureAndRejectsTampering(_ vector: Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: [UInt8](hex: vector.publicKey))
        let message = [UInt8](hex: vector.message)
        let signature = [UInt8](hex: vector.signature)
        #expect(publicKey.isValidSignature(signature, for: message))

        for index in [0, 31, 32, 63] {
            var tampered = signature
            tampered[index] ^= 0x01
            #expect(!publicKey.isValidSignature(tampered, for: message), "flipped bit in signature byte \(index)")
        }
        #expect(!publicKey.isValidSignature(signature, for: message + [0]))
        if !message.isEmpty {
            var changed = message
            changed[0] ^= 0x80
            #expect(!publicKey.isValidSignature(signature, for: changed))
        }
        #expect(!publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!publicKey.isValidSignature([], for: message))
    }

    @Test func generatedKeysSignAndVerifyAndDiffer() throws {
        let key = try Ed25519PrivateKey()
        let other = try Ed25519PrivateKey()
        #expect(key.rawRepresentation != other.rawRepresentation)
        #expect(key.publicKey.rawRepresentation.count == 32)
        let message = Array("settle invoice 42".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!other.publicKey.isValidSignature(signature, for: message))

        let restored = try Ed25519PrivateKey(rawRepresentation: key.rawRepresentation)
        #expect(restored.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        // Ed25519 is deterministic: the restored key makes the same signature.
        #expect(try restored.signature(for: message) == signature)
    }

    @Test func rejectsKeysOfTheWrongLength() {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) }
        do {
            _ = try Ed25519PublicKey(rawRepresentation: [])
            Issue.record("an empty public key was accepted")
        } catch {
            #expect(error.code == .invalidKey)
        }
    }

    @Test func descriptionNeverShowsTheSeed() throws {
        let seed = [UInt8](hex: Self.vectors[0].secretKey)
        let key = try Ed25519PrivateKey(rawRepresentation: seed)
        let text = "\(key) \(String(reflecting: key))"
        #expect(!text.contains(Base64URL.encode(seed)))
        #expect(!text.lowercased().contains(Self.vectors[0].secretKey))
        #expect(text.contains(Base64URL.encode(key.publicKey.rawRepresentation)))
    }
}
