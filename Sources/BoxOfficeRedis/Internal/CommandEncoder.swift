/// Encodes commands in the Redis protocol (RESP arrays of bulk strings) into one reusable
/// buffer, which hiredis sends as is (`redisAppendFormattedCommand`).
///
/// Encoding here rather than in hiredis (`redisCommandArgv`) saves hiredis's per-command
/// `sds` formatting and allocations, and lets a whole pipeline go to hiredis in one append.
/// Each connection owns one encoder and uses it only on its thread; once the buffers have grown
/// to their working size, encoding a command allocates nothing.
final class CommandEncoder {
    /// The encoded commands since the last ``reset()``.
    private(set) var output: [UInt8] = []
    // The arguments of the command being built, back to back, with their lengths.
    private var arguments: [UInt8] = []
    private var lengths: [Int] = []

    init() {
        self.output.reserveCapacity(512)
        self.arguments.reserveCapacity(256)
        self.lengths.reserveCapacity(8)
    }

    /// Empties the buffers, keeping their capacity.
    func reset() {
        self.output.removeAll(keepingCapacity: true)
        self.arguments.removeAll(keepingCapacity: true)
        self.lengths.removeAll(keepingCapacity: true)
    }

    func append(_ literal: StaticString) {
        literal.withUTF8Buffer { self.append($0) }
    }

    func append(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ self.append($0) }) == nil {
            self.append(Array(string.utf8))
        }
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { self.append($0) }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.arguments.append(contentsOf: bytes)
        self.lengths.append(bytes.count)
    }

    func append(_ integer: Int) {
        let start = self.arguments.count
        Self.appendDecimal(integer, to: &self.arguments)
        self.lengths.append(self.arguments.count - start)
    }

    /// Appends the arguments of a prepared command to the command being built.
    func appendArguments(of command: RedisCommand) {
        self.arguments.append(contentsOf: command.bytes)
        self.lengths.append(contentsOf: command.lengths)
    }

    /// Encodes the arguments appended since the last command as one command.
    func finishCommand() {
        precondition(!self.lengths.isEmpty, "a command needs at least its name")
        self.arguments.withUnsafeBufferPointer { arguments in
            self.lengths.withUnsafeBufferPointer { lengths in
                Self.encode(arguments: arguments, lengths: lengths, into: &self.output)
            }
        }
        self.arguments.removeAll(keepingCapacity: true)
        self.lengths.removeAll(keepingCapacity: true)
    }

    /// Encodes a prepared command.
    func encode(_ command: RedisCommand) {
        precondition(!command.lengths.isEmpty, "a command needs at least its name")
        command.bytes.withUnsafeBufferPointer { arguments in
            command.lengths.withUnsafeBufferPointer { lengths in
                Self.encode(arguments: arguments, lengths: lengths, into: &self.output)
            }
        }
    }

    private static func encode(
        arguments: UnsafeBufferPointer<UInt8>,
        lengths: UnsafeBufferPointer<Int>,
        into output: inout [UInt8]
    ) {
        output.append(UInt8(ascii: "*"))
        Self.appendDecimal(lengths.count, to: &output)
        output.append(UInt8(ascii: "\r"))
        output.append(UInt8(ascii: "\n"))
        var offset = 0
        for length in lengths {
            output.append(UInt8(ascii: "$"))
            Self.appendDecimal(length, to: &output)
            output.append(UInt8(ascii: "\r"))
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: UnsafeBufferPointer(rebasing: arguments[offset..<offset + length]))
            output.append(UInt8(ascii: "\r"))
            output.append(UInt8(ascii: "\n"))
            offset += length
        }
    }

    /// Appends `integer` in decimal without going through `String`.
    static func appendDecimal(_ integer: Int, to output: inout [UInt8]) {
        // 24 bytes hold "-9223372036854775808".
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var value = integer.magnitude
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            if integer < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            output.append(contentsOf: buffer[index...])
        }
    }
}
