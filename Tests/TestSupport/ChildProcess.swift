import Foundation

/// Runs an external program to completion, for tests that drive servers (`rabbitmqctl`,
/// `redis-server`) or reference tools (`protoc`, `python3`).
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var status: Int32
        /// What the program wrote to standard error.
        public var output: String
        /// What the program wrote to standard output (a report a failing exit status goes with).
        public var standardOutput: String = ""
        public var description: String { "\(command.joined(separator: " ")) exited with \(status): \(output)" }
    }

    /// Runs `command` (an absolute path or a name looked up in PATH) and returns its standard
    /// output as text; throws ``Failure`` with its standard error on a non-zero exit.
    @discardableResult
    public static func run(_ command: [String]) throws -> String {
        String(decoding: try self.run(command, input: []), as: UTF8.self)
    }

    /// Runs `command` with `input` on its standard input and returns its standard output;
    /// throws ``Failure`` with its standard error on a non-zero exit.
    public static func run(_ command: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
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
                command: command,
                status: process.terminationStatus,
                output: String(decoding: errors, as: UTF8.self),
                standardOutput: String(decoding: output, as: UTF8.self)
            )
        }
        return [UInt8](output)
    }
}
