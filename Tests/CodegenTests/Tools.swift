import Foundation

/// External programs the interop tests drive (`protoc`, `python3`), and the paths they need.
enum Tools {
    /// The repository's root folder.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `-I` arguments that resolve the test contract and its imports.
    static var protoIncludes: [String] {
        ["-I", "\(root)/Tests/CodegenTests/Proto", "-I", "\(root)/proto", "-I", "/usr/include"]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program with `input` on its standard input; returns its standard output and throws
    /// with its standard error on a non-zero exit.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write from another thread: a child that writes before it has read everything would
        // otherwise block us both on full pipes.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus): "
                    + String(decoding: errors, as: UTF8.self)
            )
        }
        return [UInt8](output)
    }
}
