import Testing

@testable import BoxOfficeRedis

@Suite struct CommandEncoderTests {
    @Test func encodesArraysOfBulkStrings() {
        let encoder = CommandEncoder()
        encoder.append("SET")
        encoder.append("k")
        encoder.append([0, 13, 10])
        encoder.append("PX")
        encoder.append(-42)
        encoder.finishCommand()
        let expected = "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\0\r\n\r\n$2\r\nPX\r\n$3\r\n-42\r\n"
        #expect(encoder.output == Array(expected.utf8))
    }

    @Test func encodesSeveralCommandsBackToBackAndResets() {
        let encoder = CommandEncoder()
        encoder.encode(.get("a"))
        encoder.encode(RedisCommand(arguments: [Array("ECHO".utf8), []]))
        #expect(encoder.output == Array("*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n".utf8))
        encoder.reset()
        #expect(encoder.output.isEmpty)
    }

    @Test(arguments: [0, 7, 10, 1_234_567, Int.max, Int.min])
    func writesDecimalsLikeString(_ value: Int) {
        var output: [UInt8] = []
        CommandEncoder.appendDecimal(value, to: &output)
        #expect(output == Array(String(value).utf8))
    }
}
