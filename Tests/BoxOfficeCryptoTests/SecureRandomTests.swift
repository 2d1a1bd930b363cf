import BoxOfficeCrypto
import Testing

@Suite struct SecureRandomTests {
    @Test func bytesHaveTheRequestedCountAndDiffer() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        let first = SecureRandom.bytes(count: 32)
        let second = SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
        // 32 zero bytes from a working generator has probability 2^-256.
        #expect(first != [UInt8](repeating: 0, count: 32))
    }

    @Test func identifiersAreUnpaddedBase64URLAndUnique() throws {
        let identifiers = (0..<1000).map { _ in SecureRandom.identifier() }
        #expect(Set(identifiers).count == identifiers.count)
        for identifier in identifiers {
            #expect(identifier.count == 22)
            #expect(try Base64URL.decode(identifier).count == 16)
        }
        #expect(SecureRandom.identifier(byteCount: 32).count == 43)
    }
}

@Suite struct ConstantTimeTests {
    @Test func comparesContentAndLength() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([], [0]))
    }
}
