import Testing

@testable import BoxOfficeJWT

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let text =
            #" {"s":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[0,-1,1.5,2e3,-0.25E-2],"b":[true,false],"z":null,"o":{}} "#
        let value = try #require(JSONParser.parse(Array(text.utf8)))
        #expect(
            value == [
                "s": .string("a\"\\/\u{08}\u{0C}\n\r\té😀"), "n": [0, -1, 1.5, 2000, -0.0025], "b": [true, false],
                "z": .null, "o": [:],
            ]
        )
        #expect(JSONParser.parse(Array(#""plain""#.utf8)) == "plain")
        #expect(JSONParser.parse(Array("[]".utf8)) == [])
    }

    @Test(arguments: [
        "", " ", "{", "}", #"{"a":1,}"#, "[1,]", #"{"a" 1}"#, #"{a:1}"#, "'a'", "01", "1.", ".5", "+1", "-", "1e",
        "NaN", "Infinity", "1e400", "tru", "nul", #""a"#, "\"\u{01}\"", #""\x""#, #""\ud800""#, #""\udc00x""#,
        #""\ud800\u0041""#, #""\u12G4""#, "[1] [2]", "{} x", #"{"a":1,"a":2}"#, #"{"a":{"b":1,"b":1}}"#,
    ])
    func refusesInvalidJSON(_ text: String) {
        #expect(JSONParser.parse(Array(text.utf8)) == nil)
    }

    @Test func refusesInvalidUTF8() {
        #expect(JSONParser.parse([0x22, 0xC3, 0x22]) == nil)
        #expect(JSONParser.parse([0x22, 0xFF, 0x22]) == nil)
    }

    @Test func boundsNesting() {
        let depth = JSONParser.depthMax
        #expect(
            JSONParser.parse(Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8))
                != nil
        )
        let deeper = depth + 1
        #expect(
            JSONParser.parse(
                Array((String(repeating: "[", count: deeper) + String(repeating: "]", count: deeper)).utf8)
            ) == nil
        )
        #expect(JSONParser.parse(Array(String(repeating: "[", count: 100_000).utf8)) == nil)
    }
}
