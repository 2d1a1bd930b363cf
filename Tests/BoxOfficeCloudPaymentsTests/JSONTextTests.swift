import Testing

@testable import BoxOfficeCloudPayments

@Suite("JSON text: escaping and case-insensitive keys")
struct JSONTextTests {
    @Test(
        "strings are escaped as before the run-based writer: quotes, backslashes, controls; other text as it is",
        arguments: [
            ("plain", #""plain""#),
            ("", #""""#),
            (#"say "hi" \ bye"#, #""say \"hi\" \\ bye""#),
            ("line\nfeed\r\ttab", #""line\nfeed\r\ttab""#),
            ("\u{01}\u{1F}x", #""\u0001\u001fx""#),
            ("Оплата «подписки» 💳", "\"Оплата «подписки» 💳\""),
            ("\"", #""\"""#),
        ]
    )
    func escaping(text: String, expected: String) {
        var output = ""
        JSONWriter.appendQuoted(text, to: &output)
        #expect(output == expected)
    }

    @Test("member lookup ignores case, ASCII or not, and never confuses a prefix")
    func keyLookup() throws {
        let object = try #require(
            try JSONReader.parse(Array(#"{"TransactionId":1,"Status":"x","StatusCode":3,"Ключ":"k"}"#.utf8))
                .objectValue
        )
        #expect(object["transactionid"] == .number("1"))
        #expect(object["STATUS"] == .string("x"))
        #expect(object["statuscode"] == .number("3"))
        #expect(object["Statu"] == nil)
        #expect(object["ключ"] == .string("k"))
        #expect(object["Amount"] == nil)
        // Lowercasing can map non-ASCII to ASCII (KELVIN SIGN to "k"): such keys still match as
        // `lowercased()` says.
        #expect(JSONObject.keysMatch("\u{212A}ey", "KEY") == ("\u{212A}ey".lowercased() == "key"))
    }
}
