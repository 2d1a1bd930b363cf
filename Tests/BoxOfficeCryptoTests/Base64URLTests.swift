import BoxOfficeCrypto
import Testing

@Suite struct Base64URLTests {
    // RFC 4648 §10; these contain no '+' or '/' so base64 and base64url agree.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ])
    func matchesRFC4648(plain: String, encoded: String) throws {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func usesTheURLSafeAlphabet() throws {
        // Standard base64 of these bytes is "+/8=" / "//79".
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.encode([0xff, 0xfe, 0xfd]) == "__79")
        #expect(try Base64URL.decode("-_8") == [0xfb, 0xff])
    }

    @Test func acceptsPaddedInput() throws {
        #expect(try Base64URL.decode("Zm8=") == Array("fo".utf8))
        #expect(try Base64URL.decode("Zg==") == Array("f".utf8))
    }

    @Test(arguments: ["Zm9v+A", "Zm9v/A", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "Zh", "Zm9=", "Zm=8", "é"])
    func rejectsInvalidInput(_ input: String) {
        do {
            let bytes = try Base64URL.decode(input)
            Issue.record("decoded \(bytes)")
        } catch {
            #expect(error.code == .invalidBase64)
        }
    }

    @Test func roundTripsRandomBytes() throws {
        for count in 0..<70 {
            let bytes = SecureRandom.bytes(count: count)
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(try Base64URL.decode(encoded) == bytes)
        }
    }
}

@Suite struct Base64URLUnpaddedTests {
    @Test func decodesTheUnpaddedForm() throws {
        #expect(try Base64URL.decodeUnpadded("Zm8") == Array("fo".utf8))
        #expect(try Base64URL.decodeUnpadded("-_8") == [0xfb, 0xff])
        #expect(try Base64URL.decodeUnpadded("") == [])
    }

    @Test(arguments: ["Zm8=", "Zg==", "Zm9v+A", "Zm9v/A", "Zm 9v", "Zm9v\n", " Zm9v", "Zh", "Z", "=", "Zm9v===="])
    func refusesEverythingElse(_ input: String) {
        do {
            let bytes = try Base64URL.decodeUnpadded(input)
            Issue.record("decoded \(bytes)")
        } catch {
            #expect(error.code == .invalidBase64)
        }
    }
}
