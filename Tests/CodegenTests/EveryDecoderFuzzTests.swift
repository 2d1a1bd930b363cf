import BoxOfficeProtobuf
import BoxOfficeRPC
import CProtobufC
import Contracts
import Foundation
import TestContracts
import Testing

/// Every generated decoder of `Contracts` and `TestContracts` (the tables the generator writes
/// beside them) against random bytes and mutations of valid encodings: each input decodes or is
/// refused with `INVALID_ARGUMENT`, never a crash, a hang or a leak. Seeded: a failure names its
/// seed, and `CODEGEN_FUZZ_SEED` replays it. (The longer run is the `fuzz` benchmark.)
@Suite("Every generated decoder survives random and mutated bytes")
struct EveryDecoderFuzzTests {
    /// Random byte strings fed to each decoder.
    static let randomInputsPerType = 200
    /// Random byte strings are at most this long.
    static let randomInputBytesMax = 300
    /// Valid encodings drawn per type (each must decode), the seeds of the mutations.
    static let validEncodingsPerType = 8
    /// Mutated valid encodings fed to each decoder.
    static let mutatedInputsPerType = 400
    /// Byte changes in one mutated input, at most.
    static let mutationsPerInputMax = 8
    /// One type's inputs taking longer than this count as a hang (each input is a few hundred
    /// bytes: milliseconds in all, even in a debug build).
    static let typeSecondsMax: Int64 = 10
    /// Growth of this process's resident memory allowed between the warm-up and the end. Other
    /// suites run in the same process at the same time, so generous; a leak of each decoded
    /// message (tens of thousands of them) would pass it.
    static let residentGrowthBytesMax = 64 * 1024 * 1024
    /// Types run before the resident size is first read.
    static let warmupTypes = 10

    /// Name, type and protobuf-c descriptor of every generated message.
    static var allTypes: [(name: String, type: any ProtobufMessage.Type, descriptor: ProtobufCDescriptor)] {
        (ContractsRegistry.messageTypes + TestContractsRegistry.messageTypes).map {
            ($0.type.protoMessageName, $0.type, $0.descriptor)
        }
    }

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["CODEGEN_FUZZ_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }

    @Test("the tables hold every message the generated types reach, each once")
    func tablesAreComplete() {
        let names = Self.allTypes.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(TestContractsRegistry.messageTypes.count >= 22)
        #expect(ContractsRegistry.messageTypes.count >= 100)
        // Every message a field reaches is in the tables, except map entries (dictionaries in
        // Swift) and the well-known types (Swift types of their own).
        var reached: Set<String> = []
        for entry in Self.allTypes {
            let message = entry.descriptor.pointer.pointee
            #expect(String(cString: message.name) == entry.name)
            for index in 0..<Int(message.n_fields) where message.fields[index].type == PROTOBUF_C_TYPE_MESSAGE {
                let nested = message.fields[index].descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                let name = String(cString: nested.pointee.name)
                if !name.hasPrefix("google.protobuf."), !Self.isMapEntry(nested.pointee) { reached.insert(name) }
            }
        }
        #expect(reached.subtracting(names).isEmpty, "not in the tables: \(reached.subtracting(names).sorted())")
    }

    @Test("random bytes and mutated valid encodings into every decoder, in bounded time and memory")
    func fuzz() throws {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        var residentAfterWarmup: Int?
        for (index, entry) in Self.allTypes.enumerated() {
            if index == Self.warmupTypes { residentAfterWarmup = Self.residentBytes() }
            let started = ContinuousClock.now
            var valid: [[UInt8]] = []
            for _ in 0..<Self.validEncodingsPerType {
                let bytes = RandomWireMessage.encoding(entry.descriptor.pointer, random: &random)
                // A valid encoding decodes, and what it decodes to survives a round trip.
                do {
                    #expect(try Self.roundTrips(entry.type, bytes), "seed \(seed), \(entry.name): round trip differs")
                } catch {
                    Issue.record("seed \(seed), \(entry.name): a valid encoding was refused: \(error)")
                }
                valid.append(bytes)
            }
            for iteration in 0..<(Self.randomInputsPerType + Self.mutatedInputsPerType) {
                let bytes: [UInt8]
                if iteration < Self.randomInputsPerType {
                    let count = Int(random.next() % UInt64(Self.randomInputBytesMax + 1))
                    bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                } else {
                    bytes = Self.mutated(valid[Int(random.next() % UInt64(valid.count))], random: &random)
                }
                do {
                    _ = try entry.type.init(rpcBytes: bytes)
                } catch {
                    #expect(
                        error.code == .invalidArgument,
                        "seed \(seed), \(entry.name), input \(iteration): \(error)"
                    )
                }
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(Self.typeSecondsMax), "seed \(seed), \(entry.name): took \(elapsed)")
        }
        guard let warm = residentAfterWarmup, let now = Self.residentBytes() else {
            Issue.record("no resident set size to check (/proc/self/statm)")
            return
        }
        #expect(
            now - warm < Self.residentGrowthBytesMax,
            "seed \(seed): resident memory grew \((now - warm) / 1024) KiB during the run"
        )
    }

    /// protobuf-c keeps no `map_entry` option: a map entry is `…Entry` with fields `key` and `value`.
    static func isMapEntry(_ message: ProtobufCMessageDescriptor) -> Bool {
        String(cString: message.short_name).hasSuffix("Entry") && message.n_fields == 2
            && String(cString: message.fields[0].name) == "key" && String(cString: message.fields[1].name) == "value"
    }

    /// Decodes `bytes`, encodes the result and decodes that: equal messages.
    static func roundTrips<Message: ProtobufMessage>(_ type: Message.Type, _ bytes: [UInt8]) throws -> Bool {
        let message = try Message(rpcBytes: bytes)
        return try Message(rpcBytes: message.serializedBytes()) == message
    }

    /// `bytes` with a few bytes replaced, flipped, inserted or cut off.
    static func mutated(_ bytes: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + Int(random.next() % UInt64(Self.mutationsPerInputMax))) {
            guard !bytes.isEmpty else {
                bytes.append(UInt8(truncatingIfNeeded: random.next()))
                continue
            }
            let position = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 4 {
            case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes[position] ^= 1 << UInt8(random.next() % 8)
            case 2: bytes.removeSubrange(position...)
            default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            }
        }
        return bytes
    }

    /// This process's resident set size, from `/proc/self/statm` (pages × page size).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
