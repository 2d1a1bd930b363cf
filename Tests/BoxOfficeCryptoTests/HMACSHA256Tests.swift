import BoxOfficeCrypto
import Testing

@Suite struct HMACSHA256Tests {
    struct Vector: Sendable, CustomStringConvertible {
        var name: String
        var key: [UInt8]
        var data: [UInt8]
        /// Expected code; shorter than 32 bytes when the RFC truncates the output.
        var code: String
        var description: String { self.name }
    }

    // RFC 4231 §4.2–4.8.
    static let vectors: [Vector] = [
        Vector(
            name: "RFC 4231 test case 1",
            key: [UInt8](repeating: 0x0b, count: 20),
            data: Array("Hi There".utf8),
            code: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        Vector(
            name: "RFC 4231 test case 2",
            key: Array("Jefe".utf8),
            data: Array("what do ya want for nothing?".utf8),
            code: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Vector(
            name: "RFC 4231 test case 3",
            key: [UInt8](repeating: 0xaa, count: 20),
            data: [UInt8](repeating: 0xdd, count: 50),
            code: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        Vector(
            name: "RFC 4231 test case 4",
            key: Array(1...25),
            data: [UInt8](repeating: 0xcd, count: 50),
            code: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        Vector(
            name: "RFC 4231 test case 5 (truncated to 128 bits)",
            key: [UInt8](repeating: 0x0c, count: 20),
            data: Array("Test With Truncation".utf8),
            code: "a3b6167473100ee06e0c796c2955552b"
        ),
        Vector(
            name: "RFC 4231 test case 6",
            key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            code: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        Vector(
            name: "RFC 4231 test case 7",
            key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8
            ),
            code: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test(arguments: Self.vectors)
    func matchesRFC4231(_ vector: Vector) {
        let expected = [UInt8](hex: vector.code)
        let code = HMACSHA256.authenticationCode(for: vector.data, key: vector.key)
        #expect(code.count == 32)
        #expect(Array(code.prefix(expected.count)) == expected)
    }

    @Test func nonContiguousCollectionGivesTheSameCode() {
        let vector = Self.vectors[1]
        let code = HMACSHA256.authenticationCode(for: vector.data.lazy.map { $0 }, key: vector.key)
        #expect(code == [UInt8](hex: vector.code))
        let slice = HMACSHA256.authenticationCode(for: ([0] + vector.data)[1...], key: vector.key)
        #expect(slice == [UInt8](hex: vector.code))
    }

    @Test func emptyKeyAndMessage() {
        // HMAC-SHA256("", "") from OpenSSL's and Python's hmac, a well-known value.
        let code = HMACSHA256.authenticationCode(for: [UInt8](), key: [])
        #expect(code.hex == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
