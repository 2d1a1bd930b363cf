import Testing

@testable import BoxOfficeCloudPaymentsSandbox

@Suite("Sandbox JSON output")
struct JSONSerializationTests {
    @Test(
        "strings are escaped: quotes, backslashes, controls; other text as it is",
        arguments: [
            ("plain", #""plain""#),
            ("", #""""#),
            (#"say "hi" \ bye"#, #""say \"hi\" \\ bye""#),
            ("line\nfeed\r\ttab", #""line\nfeed\r\ttab""#),
            ("\u{01}\u{1F}x", #""\u0001\u001fx""#),
            ("Оплата «подписки» 💳", "\"Оплата «подписки» 💳\""),
        ]
    )
    func escaping(text: String, expected: String) {
        #expect(JSONValue.string(text).serialized() == expected)
        #expect(JSONValue.object([(text, .null)]).serialized() == "{\(expected):null}")
    }
}
