import BoxOfficeProtobuf
import BoxOfficeRPC
import TestContracts
import Testing

@Suite("Generated messages round-trip through protobuf-c and proto3 JSON")
struct RoundTripTests {
    @Test("every scalar type, singular and repeated")
    func scalars() throws {
        let message = Fixtures.scalars
        let bytes = try message.serializedBytes()
        #expect(try Codegentest_V1_Scalars(rpcBytes: bytes) == message)
        #expect(try Codegentest_V1_Scalars(jsonBytes: message.jsonBytes()) == message)
    }

    @Test("nested messages, maps, oneofs, timestamps and wrappers", arguments: Fixtures.composites.indices)
    func composite(index: Int) throws {
        let message = Fixtures.composites[index]
        let bytes = try message.serializedBytes()
        #expect(try Codegentest_V1_Composite(rpcBytes: bytes) == message)
        #expect(try Codegentest_V1_Composite(jsonBytes: message.jsonBytes()) == message)
    }

    @Test("a default message encodes to nothing and decodes from nothing")
    func empty() throws {
        #expect(try Codegentest_V1_Composite().serializedBytes().isEmpty)
        #expect(try Codegentest_V1_Composite(rpcBytes: []) == Codegentest_V1_Composite())
        #expect(Codegentest_V1_Composite().jsonString() == "{}")
    }

    @Test("wrapper fields keep presence: a set zero is not an unset field")
    func presence() throws {
        var message = Codegentest_V1_Composite()
        message.limit = 0
        message.nickname = ""
        let decoded = try Codegentest_V1_Composite(rpcBytes: message.serializedBytes())
        #expect(decoded.limit == 0)
        #expect(decoded.nickname == "")
        #expect(decoded.enabled == nil)
        #expect(message.jsonString() == #"{"nickname":"","limit":"0"}"#)
    }

    @Test("unknown enum numbers are kept, in fields, repeated fields and JSON")
    func unknownEnums() throws {
        var message = Codegentest_V1_Scalars()
        message.color = .unrecognized(1234)
        message.colors = [.unrecognized(-7), .green]
        let decoded = try Codegentest_V1_Scalars(rpcBytes: message.serializedBytes())
        #expect(decoded.color == .unrecognized(1234))
        #expect(decoded.colors == [.unrecognized(-7), .green])
        #expect(message.jsonString() == #"{"color":1234,"colors":[-7,"COLOR_GREEN"]}"#)
        #expect(try Codegentest_V1_Scalars(jsonString: message.jsonString()) == message)
    }

    @Test("the benchmark invoice and a deep tree round-trip")
    func invoiceAndTree() throws {
        let invoice = Fixtures.invoice
        #expect(try Codegentest_V1_Invoice(rpcBytes: invoice.serializedBytes()) == invoice)
        let tree = Fixtures.node(depth: ProtobufLimits.nestingDepthMax)
        #expect(try Codegentest_V1_Node(rpcBytes: tree.serializedBytes()) == tree)
    }

    @Test("serialize appends to a non-empty buffer")
    func appends() throws {
        var buffer: [UInt8] = [0xaa]
        try Fixtures.item.serialize(into: &buffer)
        #expect(buffer.first == 0xaa)
        #expect(try Codegentest_V1_Composite.Item(rpcBytes: Array(buffer.dropFirst())) == Fixtures.item)
    }

    @Test("map entries encode in key order, so equal messages encode equally")
    func deterministic() throws {
        let first = try Fixtures.composite(choice: nil).serializedBytes()
        for _ in 0..<5 {
            #expect(try Fixtures.composite(choice: nil).serializedBytes() == first)
        }
    }
}
