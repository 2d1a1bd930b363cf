import Foundation
import TestSupport
import Testing

/// What the generator refuses, with a message naming the problem (protoc prints it and fails).
@Suite("The generator refuses what it cannot generate")
struct GeneratorErrorTests {
    static func generate(_ proto: String) throws -> String {
        _ = try Tools.run(["swift", "build", "-c", "release", "--package-path", "\(Tools.root)/codegen"])
        let folder = NSTemporaryDirectory() + "codegen-error-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try proto.write(toFile: folder + "/bad.proto", atomically: true, encoding: .utf8)
        do {
            _ = try Tools.run(
                [
                    "protoc", "-I", folder, "-I", "\(Tools.root)/proto", "-I", "/usr/include",
                    "--plugin=protoc-gen-boxoffice=\(Tools.root)/codegen/.build/release/protoc-gen-boxoffice",
                    "--boxoffice_out=\(folder)/out", "bad.proto",
                ]
            )
            return ""
        } catch let failure as Tools.Failure {
            return failure.description
        }
    }

    @Test(
        "proto3 optional, self-containing messages and bad HTTP bindings and options are refused",
        arguments: [
            (
                "message A { optional string b = 1; }",
                "proto3 `optional` is not supported"
            ),
            (
                "message A { B b = 1; } message B { A a = 1; }",
                "cannot contain itself"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a/{nope}" access: "user" }; } }
                """#,
                "does not name a singular field"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "everyone" }; } }
                """#,
                "access must be public, user or admin"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; int32 url = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "POST" path: "/a" body: "*" access: "user" redirect: "url" }; } }
                """#,
                "does not name a string field"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "POST" path: "/a" body: "*" access: "user" success_status: 204 }; } }
                """#,
                "success_status must be 200, 201 or 202"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; string url = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "POST" path: "/a" body: "*" access: "user" redirect: "url" emit_defaults: true }; } }
                """#,
                "emit_defaults does not apply"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" idempotency_key_required: true }; } }
                """#,
                "idempotency_key_required needs POST, PUT, PATCH or DELETE"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" body: "*" access: "user" }; } }
                """#,
                "a GET route cannot have a body"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { bytes raw = 1; map<string, int32> headers = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "POST" path: "/a" body: "raw" access: "public" }; } }
                """#,
                "must be map<string, string>"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; int64 csv = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" raw_response_field: "csv" raw_response_content_type: "text/csv" }; } }
                """#,
                "raw_response_field csv does not name a singular string or bytes field"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; oneof pick { string csv = 2; string tsv = 3; } }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" raw_response_field: "csv" raw_response_content_type: "text/csv" }; } }
                """#,
                "outside a oneof"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; string csv = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" raw_response_field: "csv" }; } }
                """#,
                "raw_response_content_type must be a media type"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; string csv = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" raw_response_field: "csv" raw_response_content_type: "text/csv\r\nX-Evil: 1" }; } }
                """#,
                "raw_response_content_type must be a media type"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; string csv = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "GET" path: "/a" access: "user" raw_response_content_type: "text/csv" }; } }
                """#,
                "raw_response_content_type needs raw_response_field"
            ),
            (
                #"""
                import "boxoffice/options.proto";
                message A { string id = 1; string url = 2; }
                service S { rpc M(A) returns (A) { option (boxoffice.http) = { verb: "POST" path: "/a" body: "*" access: "user" redirect: "url" raw_response_field: "id" raw_response_content_type: "text/plain" }; } }
                """#,
                "raw_response_field does not apply"
            ),
        ]
    )
    func refused(body: String, message: String) throws {
        let output = try Self.generate("syntax = \"proto3\";\npackage boxoffice.bad.v1;\n" + body)
        #expect(output.contains(message), "protoc said: \(output)")
    }
}
