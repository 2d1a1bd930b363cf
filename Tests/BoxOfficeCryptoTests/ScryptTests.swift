import BoxOfficeCrypto
import Testing

@Suite struct ScryptTests {
    // Cheap parameters so the suite stays fast; the default cost is measured separately.
    static let fast = Scrypt.Parameters(logN: 10, blockSize: 8, parallelization: 1)

    @Test func matchesRFC7914Vector() throws {
        // RFC 7914 §12, the second vector.
        let key = try Scrypt.deriveKey(
            password: Array("password".utf8),
            salt: Array("NaCl".utf8),
            parameters: Scrypt.Parameters(logN: 10, blockSize: 8, parallelization: 16),
            byteCount: 64
        )
        #expect(
            key
                == [UInt8](
                    hex: """
                        fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe 7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 31 62
                        2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da c7 27 af b9 4a 83 ee 6d 83 60 cb df a2 cc 06 40
                        """
                )
        )
    }

    @Test func hashStoresParametersAndVerifiesTheRightPasswordOnly() throws {
        let hash = try Scrypt.hash(password: "correct horse", parameters: Self.fast)
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(!hash.contains("correct horse"))
        #expect(try Scrypt.verify(password: "correct horse", hash: hash))
        #expect(try !Scrypt.verify(password: "correct horsE", hash: hash))
        #expect(try !Scrypt.verify(password: "", hash: hash))
        #expect(try !Scrypt.verify(password: "correct horse ", hash: hash))
    }

    @Test func saltMakesEachHashDifferent() throws {
        let first = try Scrypt.hash(password: "pw", parameters: Self.fast)
        let second = try Scrypt.hash(password: "pw", parameters: Self.fast)
        #expect(first != second)
        #expect(try Scrypt.verify(password: "pw", hash: first))
        #expect(try Scrypt.verify(password: "pw", hash: second))
    }

    @Test func defaultParametersAreUsableForInteractiveLogins() throws {
        let clock = ContinuousClock()
        var hash = ""
        let elapsed = try clock.measure { hash = try Scrypt.hash(password: "admin", parameters: .default) }
        #expect(hash.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(try Scrypt.verify(password: "admin", hash: hash))
        // Generous upper bound: the machine is shared; the point is that the default is usable
        // for an interactive login, not a precise figure.
        #expect(elapsed < .seconds(2))
    }

    @Test(arguments: [
        "",
        "scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$bcrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=10,r=8,p=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=ten,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=10,r=8,p=1$AAAA*AAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
    ])
    func malformedHashIsAnError(_ hash: String) {
        do {
            _ = try Scrypt.verify(password: "pw", hash: hash)
            Issue.record("accepted a malformed hash")
        } catch {
            #expect(error.code == .malformedHash)
        }
    }

    @Test func excessiveCostInAStoredHashIsRefusedBeforeAnyWork() {
        let hash = "$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        do {
            _ = try Scrypt.verify(password: "pw", hash: hash)
            Issue.record("accepted an excessive cost")
        } catch {
            #expect(error.code == .invalidParameters)
        }
    }
}
