/// One command for ``RedisConnection/pipeline(_:)``: its name and arguments as bytes.
///
/// A command is a value: build a batch once and send it many times. Its description shows the
/// command name and the number of arguments, never keys or values.
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    // The arguments back to back, with their lengths: two allocations per command instead of
    // one per argument.
    private(set) var bytes: [UInt8]
    private(set) var lengths: [Int]

    /// A command from words, e.g. `RedisCommand("INCR", key)`.
    public init(_ arguments: String...) {
        self.init(strings: arguments)
    }

    /// A command from words.
    public init(strings arguments: [String]) {
        self.bytes = []
        self.lengths = []
        self.lengths.reserveCapacity(arguments.count)
        for argument in arguments { self.append(argument.utf8) }
    }

    /// A command from binary arguments.
    public init(arguments: [[UInt8]]) {
        self.bytes = []
        self.lengths = []
        self.lengths.reserveCapacity(arguments.count)
        for argument in arguments { self.append(argument) }
    }

    /// The arguments, the command name first.
    public var arguments: [[UInt8]] {
        var start = 0
        return self.lengths.map { length in
            defer { start += length }
            return Array(self.bytes[start..<start + length])
        }
    }

    public var description: String {
        let name = String(decoding: self.bytes.prefix(self.lengths.first ?? 0), as: UTF8.self)
        return "RedisCommand(\(name), \(self.lengths.count - 1) arguments)"
    }

    /// `GET key`.
    public static func get(_ key: String) -> RedisCommand { RedisCommand("GET", key) }

    /// `SET key value [EX s | PX ms] [NX]`.
    public static func set(
        _ key: String,
        _ value: [UInt8],
        expiration: RedisExpiration? = nil,
        onlyIfAbsent: Bool = false
    ) -> RedisCommand {
        var command = RedisCommand("SET", key)
        command.append(value)
        switch expiration {
        case .seconds(let seconds):
            command.append("EX".utf8)
            command.append(String(seconds).utf8)
        case .milliseconds(let milliseconds):
            command.append("PX".utf8)
            command.append(String(milliseconds).utf8)
        case nil:
            break
        }
        if onlyIfAbsent { command.append("NX".utf8) }
        return command
    }

    /// `DEL key…`.
    public static func delete(_ keys: [String]) -> RedisCommand { RedisCommand(strings: ["DEL"] + keys) }

    /// `INCR key`.
    public static func increment(_ key: String) -> RedisCommand { RedisCommand("INCR", key) }

    /// `EXPIRE key seconds`.
    public static func expire(_ key: String, seconds: Int) -> RedisCommand {
        RedisCommand("EXPIRE", key, String(seconds))
    }

    /// `MGET key…`.
    public static func mget(_ keys: [String]) -> RedisCommand { RedisCommand(strings: ["MGET"] + keys) }

    private mutating func append(_ argument: some Collection<UInt8>) {
        self.bytes.append(contentsOf: argument)
        self.lengths.append(argument.count)
    }
}
