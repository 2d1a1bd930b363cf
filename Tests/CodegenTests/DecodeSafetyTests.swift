import BoxOfficeProtobuf
import BoxOfficeRPC
import TestContracts
import Testing

/// Untrusted bytes into generated decoders: limits protobuf-c lacks, UTF-8 and NUL (random and
/// mutated input into every decoder: `EveryDecoderFuzzTests`).
@Suite("Decoding untrusted bytes is safe")
struct DecodeSafetyTests {
    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    /// A field of wire type 2.
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        Self.varint(number << 3 | 2) + Self.varint(payload.count) + payload
    }

    /// The error `body` throws; nil when it succeeds.
    static func code(_ body: () throws -> Void) -> RPCError? {
        do {
            try body()
            return nil
        } catch let error as RPCError {
            return error
        } catch {
            Issue.record("not an RPCError: \(error)")
            return nil
        }
    }

    @Test("input over the size limit is refused before decoding")
    func oversize() {
        let bytes = [UInt8](repeating: 0, count: ProtobufLimits.messageBytesMax + 1)
        let error = Self.code { _ = try Codegentest_V1_Scalars(rpcBytes: bytes) }
        #expect(error?.code == .resourceExhausted)
    }

    @Test("nesting one level past the limit is refused; at the limit it decodes")
    func nestingLimit() throws {
        let atLimit = try Fixtures.node(depth: ProtobufLimits.nestingDepthMax).serializedBytes()
        #expect(try Codegentest_V1_Node(rpcBytes: atLimit) == Fixtures.node(depth: ProtobufLimits.nestingDepthMax))
        let past = try Fixtures.node(depth: ProtobufLimits.nestingDepthMax + 1).serializedBytes()
        #expect(Self.code { _ = try Codegentest_V1_Node(rpcBytes: past) }?.code == .invalidArgument)
    }

    @Test("100,000 levels of nesting are refused without recursing into them")
    func deepNesting() {
        // Built inside out: each level is field 2 (children) wrapping the level below.
        // lengths[k] is the size of the node k levels above the innermost one.
        var lengths = [0]
        for _ in 0..<100_000 { lengths.append(1 + Self.varint(lengths.last!).count + lengths.last!) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lengths.last!)
        for length in lengths.dropLast().reversed() {
            bytes.append(0x12)
            bytes.append(contentsOf: Self.varint(length))
        }
        #expect(bytes.count == lengths.last!)
        let error = Self.code { _ = try Codegentest_V1_Node(rpcBytes: bytes) }
        #expect(error?.code == .invalidArgument)
    }

    /// Invalid UTF-8: a bad continuation, a surrogate, a 5-byte form, an overlong form, a stray byte.
    static let invalidStrings: [[UInt8]] = [
        [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x61, 0xff],
    ]

    @Test("invalid UTF-8 in a string field is INVALID_ARGUMENT naming the field", arguments: Self.invalidStrings)
    func invalidUTF8(string: [UInt8]) {
        let bytes = Self.field(14, string)
        let error = Self.code { _ = try Codegentest_V1_Scalars(rpcBytes: bytes) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details.first?.field == "boxoffice.codegentest.v1.Scalars.string_value")
        // The same bytes in a bytes field are fine.
        #expect(throws: Never.self) { try Codegentest_V1_Scalars(rpcBytes: Self.field(15, string)) }
    }

    /// Where a string can sit, as wire bytes around the string's bytes, and the field the error
    /// names: a repeated string, a map key, a map value, a oneof member and a `StringValue`.
    static let stringPlaces: [(name: String, type: String, wrap: @Sendable ([UInt8]) -> [UInt8], field: String)] = [
        ("repeated", "Scalars", { Self.field(34, Array("ok".utf8)) + Self.field(34, $0) }, "Scalars.strings"),
        (
            "map key", "Composite", { Self.field(9, Self.field(1, $0) + Self.field(2, Array("v".utf8))) },
            "Composite.attributes"
        ),
        (
            "message map key", "Composite", { Self.field(4, Self.field(1, $0) + Self.field(2, [])) },
            "Composite.items_by_name"
        ),
        ("map value", "Composite", { Self.field(5, [0x08, 0x01] + Self.field(2, $0)) }, "Composite.labels"),
        ("oneof member", "Composite", { Self.field(10, $0) }, "Composite.choice_text"),
        ("StringValue", "Composite", { Self.field(16, Self.field(1, $0)) }, "Composite.nickname"),
    ]

    @Test(
        "invalid UTF-8 in a repeated string, a map key or value, a oneof and a wrapper is INVALID_ARGUMENT naming the field",
        arguments: Self.stringPlaces.indices
    )
    func invalidUTF8Everywhere(place: Int) throws {
        let (name, type, wrap, field) = Self.stringPlaces[place]
        let decode: ([UInt8]) throws -> Void = { bytes in
            if type == "Scalars" {
                _ = try Codegentest_V1_Scalars(rpcBytes: bytes)
            } else {
                _ = try Codegentest_V1_Composite(rpcBytes: bytes)
            }
        }
        for string in Self.invalidStrings {
            let error = Self.code { try decode(wrap(string)) }
            #expect(error?.code == .invalidArgument, "\(name): \(string)")
            #expect(error?.details.first?.field == "boxoffice.codegentest.v1." + field, "\(name): \(string)")
        }
        // The same place with valid UTF-8 decodes: the refusal is the encoding's, not the shape's.
        #expect(throws: Never.self, "\(name)") { try decode(wrap(Array("ä€😀".utf8))) }
    }

    @Test("a NUL in a string is refused rather than truncated (protobuf-c keeps C strings)")
    func nulInString() throws {
        let string = Self.field(14, [0x61, 0x00, 0x62])
        #expect(Self.code { _ = try Codegentest_V1_Scalars(rpcBytes: string) }?.code == .invalidArgument)
        // A leading NUL reads as an empty C string: still refused, not decoded as "".
        let leading = Self.field(14, [0x00, 0x62])
        #expect(Self.code { _ = try Codegentest_V1_Scalars(rpcBytes: leading) }?.code == .invalidArgument)
        #expect(try Codegentest_V1_Scalars(rpcBytes: Self.field(14, [])).stringValue == "")
        let nested = Self.field(25, string)
        #expect(Self.code { _ = try Codegentest_V1_Composite(rpcBytes: nested) }?.code == .invalidArgument)
    }

    @Test("input that would need more memory than the decode limit is RESOURCE_EXHAUSTED")
    func memoryBound() {
        // Two wire bytes per empty child, a whole C struct and a pointer per child in memory.
        let children = (ProtobufLimits.messageBytesMax - 16) / 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(children * 2)
        for _ in 0..<children { bytes.append(contentsOf: [0x12, 0x00]) }
        let error = Self.code { _ = try Codegentest_V1_Node(rpcBytes: bytes) }
        #expect(error?.code == .resourceExhausted)
    }
}

/// A small seeded generator, so that a failing fuzz run can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
