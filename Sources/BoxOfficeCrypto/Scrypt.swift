import COpenSSL

/// scrypt password hashing (RFC 7914) with the cost parameters stored in the hash string, so
/// the cost can be raised later without invalidating existing hashes.
///
/// The hash string reads `$scrypt$ln=15,r=8,p=1$<salt>$<key>`, where `ln` is log2 of the CPU/memory
/// cost N and salt and key are unpadded base64url.
public struct Scrypt {
    /// The cost parameters of one hash.
    public struct Parameters: Hashable, Sendable {
        /// log2 of the CPU/memory cost N.
        public var logN: Int
        /// The block size r.
        public var blockSize: Int
        /// The parallelization p.
        public var parallelization: Int

        /// Creates parameters; they are checked against the limits when used.
        public init(logN: Int, blockSize: Int, parallelization: Int) {
            self.logN = logN
            self.blockSize = blockSize
            self.parallelization = parallelization
        }

        /// N = 2^15, r = 8, p = 1: 32 MiB and roughly 50–100 ms per hash on a server core,
        /// suited to interactive logins.
        public static let `default` = Parameters(logN: 15, blockSize: 8, parallelization: 1)

        /// The memory scrypt needs for these parameters (`128·r·(N + p + 2)`, OpenSSL's figure).
        var memoryBytes: Int { 128 * self.blockSize * ((1 << self.logN) + self.parallelization + 2) }
    }

    /// The largest accepted `ln`. Parameters come back from stored hashes, so they are bounded
    /// before any work is done.
    public static let logNMax = 20
    /// The largest accepted block size r.
    public static let blockSizeMax = 32
    /// The largest accepted parallelization p.
    public static let parallelizationMax = 16
    /// The most memory one derivation may use.
    public static let memoryBytesMax = 256 * 1024 * 1024
    /// The salt length of new hashes.
    public static let saltByteCount = 16
    /// The derived key length of new hashes.
    public static let keyByteCount = 32
    /// The accepted salt lengths in stored hashes.
    public static let saltByteCountRange = 8...64
    /// The accepted key lengths in stored hashes.
    public static let keyByteCountRange = 16...64
    /// The longest accepted key derived by ``deriveKey(password:salt:parameters:byteCount:)``.
    public static let derivedKeyByteCountMax = 1024

    private static let prefix = "$scrypt$"

    /// A new hash of `password` with a random salt, in the self-describing string format.
    ///
    /// - Throws: ``CryptoError`` `.invalidParameters` for parameters outside the limits.
    public static func hash(password: String, parameters: Parameters = .default) throws(CryptoError) -> String {
        let salt = SecureRandom.bytes(count: Self.saltByteCount)
        let key = try Self.deriveKey(
            password: Array(password.utf8),
            salt: salt,
            parameters: parameters,
            byteCount: Self.keyByteCount
        )
        return "\(Self.prefix)ln=\(parameters.logN),r=\(parameters.blockSize),p=\(parameters.parallelization)$"
            + "\(Base64URL.encode(salt))$\(Base64URL.encode(key))"
    }

    /// True when `password` is the one `hash` was made from. The comparison takes constant time.
    ///
    /// - Throws: ``CryptoError`` `.malformedHash` when `hash` is not in the format that
    ///   ``hash(password:parameters:)`` writes, `.invalidParameters` when its cost is out of limits.
    public static func verify(password: String, hash: String) throws(CryptoError) -> Bool {
        let stored = try Self.parse(hash)
        let key = try Self.deriveKey(
            password: Array(password.utf8),
            salt: stored.salt,
            parameters: stored.parameters,
            byteCount: stored.key.count
        )
        return ConstantTime.equals(key, stored.key)
    }

    /// The raw scrypt function: `byteCount` bytes derived from `password` and `salt`.
    ///
    /// - Throws: ``CryptoError`` `.invalidParameters` for parameters or a length outside the
    ///   limits, `.derivationFailed` when OpenSSL fails.
    public static func deriveKey(
        password: [UInt8],
        salt: [UInt8],
        parameters: Parameters,
        byteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        try Self.check(parameters)
        guard byteCount > 0, byteCount <= Self.derivedKeyByteCountMax else {
            throw CryptoError(code: .invalidParameters, message: "scrypt key length \(byteCount) is out of range")
        }
        var key = [UInt8](repeating: 0, count: byteCount)
        let result = password.withNonNullBytes { passwordBytes, passwordCount in
            salt.withNonNullBytes { saltBytes, saltCount in
                key.withUnsafeMutableBufferPointer { output in
                    passwordBytes.withMemoryRebound(to: CChar.self, capacity: max(passwordCount, 1)) { passwordChars in
                        EVP_PBE_scrypt(
                            passwordChars,
                            passwordCount,
                            saltBytes,
                            saltCount,
                            UInt64(1) << UInt64(parameters.logN),
                            UInt64(parameters.blockSize),
                            UInt64(parameters.parallelization),
                            // OpenSSL's own default limit is 32 MiB, exactly the default cost;
                            // the bound that matters was checked above.
                            UInt64(parameters.memoryBytes + 1024 * 1024),
                            output.baseAddress,
                            output.count
                        )
                    }
                }
            }
        }
        guard result == 1 else {
            throw CryptoError(code: .derivationFailed, message: "EVP_PBE_scrypt: \(OpenSSLErrors.drain())")
        }
        return key
    }

    private static func check(_ parameters: Parameters) throws(CryptoError) {
        guard (1...Self.logNMax).contains(parameters.logN),
            (1...Self.blockSizeMax).contains(parameters.blockSize),
            (1...Self.parallelizationMax).contains(parameters.parallelization),
            parameters.memoryBytes <= Self.memoryBytesMax
        else {
            throw CryptoError(
                code: .invalidParameters,
                message:
                    "scrypt parameters ln=\(parameters.logN) r=\(parameters.blockSize) p=\(parameters.parallelization) "
                    + "are outside the limits"
            )
        }
    }

    private static func parse(
        _ hash: String
    ) throws(CryptoError) -> (parameters: Parameters, salt: [UInt8], key: [UInt8]) {
        // The hash string is stored data, but it is not echoed into the message all the same:
        // it holds a password verifier.
        func malformed(_ reason: String) -> CryptoError {
            CryptoError(code: .malformedHash, message: "scrypt hash string: \(reason)")
        }
        guard hash.hasPrefix(Self.prefix) else { throw malformed("missing the $scrypt$ prefix") }
        let fields = hash.dropFirst(Self.prefix.count).split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw malformed("expected parameters, salt and key separated by $") }
        var values: [Substring: Int] = [:]
        for pair in fields[0].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[1].count <= 4, let value = Int(parts[1]), values[parts[0]] == nil else {
                throw malformed("bad parameter list")
            }
            values[parts[0]] = value
        }
        guard values.count == 3, let logN = values["ln"], let blockSize = values["r"],
            let parallelization = values["p"]
        else { throw malformed("parameters must be ln, r and p") }
        let salt: [UInt8]
        let key: [UInt8]
        do {
            salt = try Base64URL.decode(String(fields[1]))
            key = try Base64URL.decode(String(fields[2]))
        } catch {
            throw malformed("salt or key is not base64url")
        }
        guard Self.saltByteCountRange.contains(salt.count) else { throw malformed("salt length out of range") }
        guard Self.keyByteCountRange.contains(key.count) else { throw malformed("key length out of range") }
        return (Parameters(logN: logN, blockSize: blockSize, parallelization: parallelization), salt, key)
    }
}
