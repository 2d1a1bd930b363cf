import BoxOfficeCrypto
import Testing

@Suite struct P256Tests {
    // Made with `openssl ecparam -name prime256v1 -genkey -noout` and `openssl ec -pubout`.
    static let sec1PrivatePEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIJgxCvxf1CfjsX5mcwQ7hLM3w8YxEduj+AnfBESeNi1joAoGCCqGSM49
        AwEHoUQDQgAE8XYzBUFgiA1REthfqfmzTwznlW1nLVhEQR6z13FBGfYExg4OXPce
        cZc5JkEg4XnMqzq61Q7F8NFQ5P6XKOwC+A==
        -----END EC PRIVATE KEY-----

        """
    static let publicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8XYzBUFgiA1REthfqfmzTwznlW1n
        LVhEQR6z13FBGfYExg4OXPcecZc5JkEg4XnMqzq61Q7F8NFQ5P6XKOwC+A==
        -----END PUBLIC KEY-----

        """
    // The same point, compressed (`openssl ec -pubout -conv_form compressed`).
    static let compressedPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgAC8XYzBUFgiA1REthfqfmzTwznlW1n
        LVhEQR6z13FBGfY=
        -----END PUBLIC KEY-----

        """
    static let x = "f17633054160880d5112d85fa9f9b34f0ce7956d672d5844411eb3d7714119f6"
    static let y = "04c60e0e5cf71e719739264120e179ccab3abad50ec5f0d150e4fe9728ec02f8"

    // Keys of other types, all to be refused.
    static let p384PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEHrtgjcdg+8aUEmFGjhkB6obwKzErUhet
        od7ywCGwUwdT1Mkqh800CAtr2uLaXHnSu6TmYrYeDZF+1cDWJzJu2J/BIkrATDc4
        h4wEEmfRImPgHIZJbQ3En0qgssDut6Ph
        -----END PUBLIC KEY-----

        """
    static let x25519PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VuAyEAWUwmikaTNa5c5Lg4gg0J+SHql59wzlOgIoNvCfx6024=
        -----END PUBLIC KEY-----

        """
    static let rsaPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC2G4thJ2JS5pmjr/5rFIqGMuPw
        +p5C/6LXmB3pKxu6xvwEhfmUqyGITfC+qN1CBE7qg1cearQu9/U+UUY7DkgxYFib
        bSgbM8YWcwWoobTs0/h/kv8nvKjk+QvEjNToTjcqaryHy4QruWjOPFOG9iRN9rDO
        Xer7Lvu6qJL8+r7HPwIDAQAB
        -----END PUBLIC KEY-----

        """
    // P-256 spelled with explicit curve parameters (`-param_enc explicit`).
    static let explicitParametersPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA
        AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////
        ///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd
        NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5
        RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA
        //////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABG0NS2ouEdOQLClS9Z1ug7Or
        lydVWqM41zW3L9G/Nhf0LdXOt14gNFoynPoT/IQbV1N0GIJEWytDxUc8lW9VSC0=
        -----END PUBLIC KEY-----

        """
    static let ed25519PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAw9R9aukHO0LAKOnMXB6t2qd6BUUYPycIiMcAnKiiIWA=
        -----END PUBLIC KEY-----

        """
    static let ed25519PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIKILmZH0JiTfwYLVkYqgPwD4tn10I9eDv2hfGwQAK6/f
        -----END PRIVATE KEY-----

        """
    // A P-256 key encrypted under the passphrase "secret" (`openssl genpkey … -aes-128-cbc`).
    static let encryptedPrivatePEM = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAii0tOJJk2MJwICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEBH8D1jTIEJClH6jJp40tOYEgZA5
        TfXudAHz7e/wqoH6FjDag432I5sGkN1MqiP8dt9TITKe/OaCZHxkPR5SjDyMZnUY
        qDMqATj+LcpL0B9DRHWlAnB7cQT2SmRKLmJUrmZkDnIfDzRue7AhgnUcDnm6awZ9
        9Loc0PduHqmeLOGhELyhfjLxz4N1db/1WK1Ia20Acfg1yKKZea/ohtd9vb/5x+k=
        -----END ENCRYPTED PRIVATE KEY-----

        """

    // The order n of P-256, big-endian.
    static let order = [UInt8](hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    @Test func loadsOpenSSLKeysAndReadsTheirCoordinates() throws {
        let publicKey = try P256PublicKey(pem: Self.publicPEM)
        #expect(publicKey.x.hex == Self.x)
        #expect(publicKey.y.hex == Self.y)
        let compressed = try P256PublicKey(pem: Self.compressedPublicPEM)
        #expect(compressed.x == publicKey.x && compressed.y == publicKey.y)
        let fromJWK = try P256PublicKey(x: [UInt8](hex: Self.x), y: [UInt8](hex: Self.y))
        #expect(fromJWK.pemRepresentation == Self.publicPEM)
        let privateKey = try P256PrivateKey(pem: Self.sec1PrivatePEM)
        #expect(privateKey.publicKey.x == publicKey.x && privateKey.publicKey.y == publicKey.y)
        // PKCS#8 out and back in.
        #expect(privateKey.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try P256PrivateKey(pem: privateKey.pemRepresentation).publicKey.x == publicKey.x)
    }

    @Test func signaturesAreRawSixtyFourBytesAndVerify() throws {
        let key = try P256PrivateKey(pem: Self.sec1PrivatePEM)
        let publicKey = try P256PublicKey(pem: Self.publicPEM)
        let message = Array("invoice 42 paid".utf8)
        for _ in 0..<20 {
            let signature = try key.signature(for: message)
            #expect(signature.count == P256PublicKey.signatureByteCount)
            #expect(publicKey.isValidSignature(signature, for: message))
            #expect(!publicKey.isValidSignature(signature, for: message + [0]))
            var tampered = signature
            tampered[Int.random(in: 0..<64)] ^= 0x10
            #expect(!publicKey.isValidSignature(tampered, for: message))
        }
        #expect(publicKey.isValidSignature(try key.signature(for: []), for: []))
        let other = try P256PrivateKey()
        #expect(!publicKey.isValidSignature(try other.signature(for: message), for: message))
        #expect(other.publicKey.isValidSignature(try other.signature(for: message), for: message))
    }

    @Test func signaturesOfOtherLengthsAreInvalid() throws {
        let key = try P256PrivateKey()
        let message = Array("m".utf8)
        let signature = try key.signature(for: message)
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: message))
        #expect(!key.publicKey.isValidSignature([0] + signature, for: message))
        #expect(!key.publicKey.isValidSignature([], for: message))
        // r || s with leading zero bytes stripped is not the JOSE form either.
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(32)), for: message))
        // Zero r and s are never valid.
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 64), for: message))
    }

    @Test func highSSignaturesAreAccepted() throws {
        // (r, n − s) is as valid as (r, s); JOSE does not ask for low-S.
        let key = try P256PrivateKey()
        let message = Array("malleable".utf8)
        let signature = try key.signature(for: message)
        var flipped = Array(signature.prefix(32))
        var borrow = 0
        var s = [UInt8](repeating: 0, count: 32)
        for index in stride(from: 31, through: 0, by: -1) {
            let difference = Int(Self.order[index]) - Int(signature[32 + index]) - borrow
            s[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        flipped += s
        #expect(flipped != signature)
        #expect(key.publicKey.isValidSignature(flipped, for: message))
    }

    @Test func refusesCoordinatesOffTheCurveOrOfTheWrongLength() {
        var y = [UInt8](hex: Self.y)
        y[31] ^= 1
        #expect(throws: CryptoError.self) { try P256PublicKey(x: [UInt8](hex: Self.x), y: y) }
        #expect(throws: CryptoError.self) { try P256PublicKey(x: [UInt8](hex: Self.x) + [0], y: [UInt8](hex: Self.y)) }
        #expect(throws: CryptoError.self) { try P256PublicKey(x: [], y: []) }
    }

    @Test(arguments: [
        ("P-384", p384PublicPEM), ("X25519", x25519PublicPEM), ("RSA", rsaPublicPEM),
        ("explicit parameters", explicitParametersPublicPEM), ("Ed25519", ed25519PublicPEM), ("garbage", "hello"),
        ("private key", sec1PrivatePEM),
    ])
    func refusesPublicKeysThatAreNotP256(_ name: String, _ pem: String) {
        do {
            _ = try P256PublicKey(pem: pem)
            Issue.record("\(name) accepted as P-256")
        } catch {
            #expect(error.code == .invalidKey)
        }
    }

    @Test func refusesPrivateKeysThatAreNotUnencryptedP256() {
        for (name, pem) in [
            ("encrypted", Self.encryptedPrivatePEM), ("Ed25519", Self.ed25519PrivatePEM), ("public", Self.publicPEM),
        ] {
            #expect(throws: CryptoError.self, "\(name)") { try P256PrivateKey(pem: pem) }
        }
    }

    @Test func genericLoaderTellsTheKeyType() throws {
        guard case .p256(let p256) = try PEMPublicKey(pem: Self.publicPEM) else {
            Issue.record("P-256 not recognised")
            return
        }
        #expect(p256.x.hex == Self.x)
        guard case .ed25519(let ed) = try PEMPublicKey(pem: Self.ed25519PublicPEM) else {
            Issue.record("Ed25519 not recognised")
            return
        }
        #expect(try Ed25519PrivateKey(pem: Self.ed25519PrivatePEM).publicKey.rawRepresentation == ed.rawRepresentation)
        #expect(ed.pemRepresentation == Self.ed25519PublicPEM)
        for pem in [Self.p384PublicPEM, Self.x25519PublicPEM, Self.rsaPublicPEM, "", Self.ed25519PrivatePEM] {
            #expect(throws: CryptoError.self) { try PEMPublicKey(pem: pem) }
        }
    }

    @Test func ed25519PrivateKeysRoundTripThroughPEM() throws {
        let key = try Ed25519PrivateKey()
        let restored = try Ed25519PrivateKey(pem: key.pemRepresentation)
        #expect(restored.rawRepresentation == key.rawRepresentation)
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pem: Self.sec1PrivatePEM) }
    }

    @Test func descriptionsNeverShowPrivateKeys() throws {
        let key = try P256PrivateKey(pem: Self.sec1PrivatePEM)
        let text = "\(key) \(String(reflecting: key))"
        #expect(!text.contains("MHcCAQEEIJgxCvxf1CfjsX5mcwQ7hLM3w8YxEduj"))
        #expect(!text.lowercased().contains("98310afc5fd427e3b17e6673043b84b337c3c63111dba3f809df04449e362d63"))
        #expect(text.contains(Base64URL.encode([UInt8](hex: Self.x))))
    }
}
