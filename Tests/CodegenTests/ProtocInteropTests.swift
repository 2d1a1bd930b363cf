import BoxOfficeProtobuf
import BoxOfficeRPC
import Foundation
import TestContracts
import Testing

/// Our encoder and decoder against protoc's own (C++ protobuf): `protoc --decode` must read our
/// bytes as the expected text, and our decoder must read what `protoc --encode` writes from it.
@Suite("Interop with protoc --decode and --encode")
struct ProtocInteropTests {
    static let package = "boxoffice.codegentest.v1"

    /// (message type, the value, the file of protoc's text format for it under Interop/).
    static func cases() -> [(String, any ProtobufMessage, String)] {
        [
            ("Scalars", Fixtures.scalars, "scalars.txtpb"),
            ("Composite", Fixtures.composite(choice: .choiceItem(Fixtures.item)), "composite.txtpb"),
            ("Invoice", Fixtures.invoice, "invoice.txtpb"),
        ]
    }

    static func expectedText(_ file: String) throws -> String {
        try String(contentsOfFile: "\(Tools.root)/Tests/CodegenTests/Interop/\(file)", encoding: .utf8)
    }

    @Test("protoc --decode reads our bytes as the expected values", arguments: 0..<3)
    func protocDecodesOurBytes(index: Int) throws {
        let (typeName, message, file) = Self.cases()[index]
        let text = try Tools.run(
            ["protoc"] + Tools.protoIncludes + ["--decode=\(Self.package).\(typeName)", "test.proto"],
            input: try message.serializedBytes()
        )
        #expect(String(decoding: text, as: UTF8.self) == (try Self.expectedText(file)))
    }

    @Test("our decoder reads what protoc --encode writes", arguments: 0..<3)
    func weDecodeProtocBytes(index: Int) throws {
        let (typeName, message, file) = Self.cases()[index]
        let bytes = try Tools.run(
            ["protoc"] + Tools.protoIncludes + ["--encode=\(Self.package).\(typeName)", "test.proto"],
            input: Array(try Self.expectedText(file).utf8)
        )
        let decoded = try bytes.withUnsafeBytes { buffer in try type(of: message).init(rpcBytes: buffer) }
        #expect(decoded.isEqual(to: message))
    }
}

extension ProtobufMessage {
    fileprivate func isEqual(to other: any ProtobufMessage) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}
