import BoxOfficeProtobuf
import BoxOfficeRPC
import TestContracts
import Testing

/// proto3 JSON rules and the errors that name the field at fault.
@Suite("Proto3 JSON reading and writing")
struct JSONTests {
    static func error(_ json: String) -> RPCError? {
        do {
            _ = try Codegentest_V1_Composite(jsonString: json)
            return nil
        } catch {
            return error
        }
    }

    @Test("names, 64-bit integers as strings, enums by name, bytes in base64, RFC 3339 timestamps")
    func writes() {
        var message = Codegentest_V1_Composite()
        message.mainItem = Fixtures.item
        message.limit = 5
        message.blob = [0xff, 0xfe]
        message.createdAt = ProtobufTimestamp(seconds: 0, nanos: 1_000)
        message.counters = [3: 4]
        message.choice = .choiceNumber(7)
        #expect(
            message.jsonString()
                == #"{"mainItem":{"name":"ticket","quantity":3,"kind":"KIND_DIGITAL"},"counters":{"3":"4"},"#
                + #""createdAt":"1970-01-01T00:00:00.000001Z","limit":"5","blob":"//4=","choiceNumber":"7"}"#
        )
    }

    @Test("proto names, numbers as strings, enum numbers and null are accepted")
    func readsLeniently() throws {
        let message = try Codegentest_V1_Composite(
            jsonString: #"{"main_item":{"quantity":"12","kind":2},"default_kind":null,"limit":1e3,"#
                + #""created_at":"2024-05-01T14:30:00.5+02:00","items":null}"#
        )
        #expect(message.mainItem?.quantity == 12)
        #expect(message.mainItem?.kind == .digital)
        #expect(message.limit == 1000)
        #expect(message.createdAt == ProtobufTimestamp(seconds: 1_714_566_600, nanos: 500_000_000))
    }

    @Test(
        "errors name the field at fault",
        arguments: [
            (#"{"nope":1}"#, "nope"),
            (#"{"scalars":{"int32Value":"x"}}"#, "scalars.int32Value"),
            (#"{"items":[{},{"quantity":2147483648}]}"#, "items[1].quantity"),
            (#"{"itemsByName":{"a":{"kind":"KIND_NOPE"}}}"#, "itemsByName.a.kind"),
            (#"{"choiceText":"a","choiceNumber":"1"}"#, "choiceNumber"),
            (#"{"createdAt":"2024-13-01T00:00:00Z"}"#, "createdAt"),
            (#"{"blob":"not base64!"}"#, "blob"),
            (#"{"scalars":{"boolValue":1}}"#, "scalars.boolValue"),
            (#"{"mainItem":[]}"#, "mainItem"),
        ]
    )
    func fieldErrors(json: String, field: String) {
        let error = Self.error(json)
        #expect(error?.code == .invalidArgument)
        #expect(error?.details.first?.field == field)
    }

    @Test(
        "malformed JSON is INVALID_ARGUMENT",
        arguments: [#"{"id":"#, #"{"id":"a",}"#, "[1,2", #"{"id":"\ud800"}"#, "{} x"]
    )
    func malformed(json: String) {
        #expect(Self.error(json)?.code == .invalidArgument)
    }

    @Test("JSON nested past the limit is refused")
    func deepJSON() {
        let depth = ProtobufLimits.jsonNestingDepthMax + 1
        let json = String(repeating: #"{"mainItem":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        #expect(Self.error(json)?.code == .invalidArgument)
    }
}
