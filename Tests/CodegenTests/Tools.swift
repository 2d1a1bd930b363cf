import Foundation
import TestSupport

/// External programs the interop tests drive (`protoc`, `python3`), and the paths they need.
enum Tools {
    /// The repository's root folder.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `-I` arguments that resolve the test contract and its imports.
    static var protoIncludes: [String] {
        ["-I", "\(root)/Tests/CodegenTests/Proto", "-I", "\(root)/proto", "-I", "/usr/include"]
    }

    typealias Failure = ChildProcess.Failure

    /// Runs a program with `input` on its standard input; returns its standard output and throws
    /// with its standard error on a non-zero exit.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        try ChildProcess.run(arguments, input: input)
    }
}
