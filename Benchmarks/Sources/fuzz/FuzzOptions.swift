import BenchmarkSupport

/// The command line of `fuzz`.
struct FuzzOptions {
    /// How long the whole run lasts (warm-up included), unless `iterationsMax` ends it first.
    var durationSeconds = 90
    /// Inputs to run at most (frame inputs and decoder inputs); nil means no cap.
    var iterationsMax: Int?
    var seed = UInt64.random(in: 1...UInt64.max)
    /// Resident-set growth allowed between the warm-up and the end, in MiB.
    var residentGrowthMiBMax = 64

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--seconds": self.durationSeconds = try Self.number(flag, value)
            case "--iterations": self.iterationsMax = try Self.number(flag, value)
            case "--seed":
                guard let seed = UInt64(value) else { throw BenchError("--seed takes a number, not \(value)") }
                self.seed = seed
            case "--rss-growth-mib": self.residentGrowthMiBMax = try Self.number(flag, value)
            default:
                throw BenchError(
                    "unknown option \(flag); usage: fuzz [--seconds T] [--iterations N] [--seed S] [--rss-growth-mib M]"
                )
            }
        }
    }

    private static func number(_ flag: String, _ value: String) throws -> Int {
        guard let number = Int(value), number > 0 else { throw BenchError("\(flag) takes a positive number") }
        return number
    }
}
