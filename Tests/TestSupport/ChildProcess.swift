import Foundation

#if canImport(FoundationEssentials)
    import FoundationEssentials
#endif

/// Runs an external program to completion, for tests that drive servers (`rabbitmqctl`,
/// `redis-server`) or reference tools.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var status: Int32
        public var output: String
        public var description: String { "\(command.joined(separator: " ")) exited with \(status): \(output)" }
    }

    /// Runs `command` (an absolute path or a name looked up in PATH) and returns its standard
    /// output; throws ``Failure`` with the combined output on a non-zero exit.
    @discardableResult
    public static func run(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(command: command, status: process.terminationStatus, output: output)
        }
        return output
    }
}
