import BoxOfficeProtobuf
import BoxOfficeRPC
import Foundation
import TestContracts
import TestSupport
import Testing

/// Our proto3 JSON against the reference implementation, PyPI's `protobuf` (json_format), both
/// directions: python reads our JSON into the message our bytes encode and writes the same JSON
/// we write, and we read python's JSON back into the original value.
@Suite("Proto3 JSON matches python protobuf's json_format")
struct JSONInteropTests {
    /// A descriptor set of the test contract, made once per run with protoc.
    static let descriptorSet: String = {
        let path = NSTemporaryDirectory() + "codegen-test-\(UInt64.random(in: 0...UInt64.max)).pb"
        _ = try? Tools.run(
            ["protoc"] + Tools.protoIncludes + ["--include_imports", "--descriptor_set_out=\(path)", "test.proto"]
        )
        return path
    }()

    /// Fails with a clear message when the test-tool virtualenv lacks `protobuf` (`./dev` installs it).
    static func ensurePythonProtobuf() throws {
        _ = try Tools.run([TestEnvironment.python, "-c", "import google.protobuf"])
    }

    static let cases: [(String, any ProtobufMessage)] =
        [
            ("Scalars", Fixtures.scalars), ("Invoice", Fixtures.invoice), ("Node", Fixtures.node(depth: 5)),
            // Unprefixed enum value names (`NEWEST_FIRST`), as the contracts use them.
            ("SearchInvoicesRequest", Fixtures.search),
        ]
        + Fixtures.composites.map { ("Composite", $0) }

    @Test("python reads our JSON and writes the same JSON; we read python's JSON", arguments: 0..<cases.count)
    func matchesReference(index: Int) throws {
        try Self.ensurePythonProtobuf()
        let (typeName, message) = Self.cases[index]
        let request = try JSONSerialization.data(withJSONObject: [
            "binary": Data(try message.serializedBytes()).base64EncodedString(),
            "json": message.jsonString(),
        ])
        let output = try Tools.run(
            [
                TestEnvironment.python, "\(Tools.root)/Tests/CodegenTests/Interop/json_interop.py", Self.descriptorSet,
                "boxoffice.codegentest.v1.\(typeName)",
            ],
            input: [UInt8](request)
        )
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        let pythonJSON = try #require(result["python_json"] as? String)
        #expect(result["same_json"] as? Bool == true, "ours: \(message.jsonString())\npython: \(pythonJSON)")
        #expect(result["parsed_equal"] as? Bool == true)
        let decoded = try type(of: message).init(jsonString: pythonJSON)
        #expect(decoded.jsonString() == message.jsonString())
        #expect(try decoded.serializedBytes() == (try message.serializedBytes()))
    }

    @Test(
        "with emitsDefaults we write what json_format writes with always_print_fields_with_no_presence",
        arguments: 0..<(cases.count + 1)
    )
    func emitsDefaultsMatchesReference(index: Int) throws {
        try Self.ensurePythonProtobuf()
        // Every case, plus an empty message: all of its fields at their defaults.
        let (typeName, message) = index < Self.cases.count ? Self.cases[index] : ("Scalars", Codegentest_V1_Scalars())
        var writer = ProtobufJSONWriter()
        writer.emitsDefaults = true
        message.writeJSON(into: &writer)
        let ours = String(decoding: writer.bytes, as: UTF8.self)
        let request = try JSONSerialization.data(withJSONObject: [
            "binary": Data(try message.serializedBytes()).base64EncodedString(), "json": ours,
        ])
        let output = try Tools.run(
            [
                TestEnvironment.python, "\(Tools.root)/Tests/CodegenTests/Interop/json_interop.py", Self.descriptorSet,
                "boxoffice.codegentest.v1.\(typeName)", "--emit-defaults",
            ],
            input: [UInt8](request)
        )
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        #expect(result["same_json"] as? Bool == true, "ours: \(ours)\npython: \(result["python_json"] ?? "")")
        #expect(result["parsed_equal"] as? Bool == true)
        // Reading it back gives the same message: defaults written out mean the same as absent.
        #expect(try type(of: message).init(jsonString: ours).serializedBytes() == (try message.serializedBytes()))
    }
}
