import Testing

@testable import RefkitCore

@Suite("JSONValue")
struct JSONValueTests {
    /// Parses text that must be valid.
    func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(text)
    }

    /// The syntax error `text` must raise.
    func syntaxError(_ text: String, maxDepth: Int = 64) -> JSONSyntaxError? {
        do {
            _ = try JSONValue.parse(Array(text.utf8), maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "valid documents survive serialize → parse",
        arguments: [
            #"{}"#,
            #"[]"#,
            #"null"#,
            #"true"#,
            #"0"#,
            #"-12"#,
            #"3.25"#,
            #"-1.5e-7"#,
            #"1e+300"#,
            #""plain""#,
            #""quote \" backslash \\ slash \/ tab \t nl \n cr \r bs \b ff \f nul \u0000 e \u00e9 ""#,
            #"{"b":1,"a":[true,false,null,{"z":"ü"}],"c":{"d":{"e":[1.5,-0.0,2e3]}}}"#,
            #"[[[[["deep"]]]]]"#,
            #"{"emoji":"\ud83d\ude00 😀","cjk":"漢字"}"#,
        ])
    func roundTrip(text: String) throws {
        let value = try parse(text)
        let again = try parse(value.serialized)
        #expect(again == value)
        // Serialisation is stable: a second round gives the same text.
        #expect(again.serialized == value.serialized)
    }

    @Test func keyOrderIsKept() throws {
        let value = try parse(#"{"zeta":1,"alpha":2,"mid":3}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(value.serialized == #"{"zeta":1,"alpha":2,"mid":3}"#)
    }

    @Test func integersDoublesAndBooleansStayApart() throws {
        let value = try parse(#"{"i":1,"d":1.0,"e":1e0,"b":true,"z":0,"f":false,"neg":-7,"big":12345678901234567890}"#)
        guard case .number(1, isInteger: true)? = value["i"] else {
            Issue.record("i: \(String(describing: value["i"]))")
            return
        }
        guard case .number(1, isInteger: false)? = value["d"] else {
            Issue.record("d: \(String(describing: value["d"]))")
            return
        }
        guard case .number(1, isInteger: false)? = value["e"] else {
            Issue.record("e")
            return
        }
        guard case .bool(true)? = value["b"] else {
            Issue.record("b")
            return
        }
        guard case .number(0, isInteger: true)? = value["z"] else {
            Issue.record("z")
            return
        }
        guard case .bool(false)? = value["f"] else {
            Issue.record("f")
            return
        }
        guard case .number(-7, isInteger: true)? = value["neg"] else {
            Issue.record("neg")
            return
        }
        // Beyond 2^53 an integer cannot be held exactly; it is not claimed to be one.
        guard case .number(_, isInteger: false)? = value["big"] else {
            Issue.record("big")
            return
        }
        #expect(value["i"]?.typeName == "integer")
        #expect(value["d"]?.typeName == "number")
        #expect(value["b"]?.typeName == "boolean")
        #expect(value["b"] != value["i"])
        #expect(value["f"] != value["z"])
        // Serialised forms keep the distinction too.
        #expect(JSONValue.number(1, isInteger: true).serialized == "1")
        #expect(JSONValue.number(1, isInteger: false).serialized == "1.0")
        #expect(JSONValue.bool(true).serialized == "true")
        let back = try parse(value.serialized)
        guard case .number(1, isInteger: false)? = back["d"] else {
            Issue.record("d after round trip")
            return
        }
        guard case .number(1, isInteger: true)? = back["i"] else {
            Issue.record("i after round trip")
            return
        }
    }

    @Test func duplicateKeyIsAnErrorAtTheSecondKey() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}"
        let error = syntaxError(text)
        #expect(error?.message.contains("duplicate key \"a\"") == true)
        #expect(error?.line == 4)
        #expect(error?.column == 3)
    }

    @Test func duplicateKeysInSeparateObjectsAreFine() throws {
        let value = try parse(#"[{"a":1},{"a":2}]"#)
        #expect(value == .array([.object([("a", .number(1, isInteger: true))]), .object([("a", .number(2, isInteger: true))])]))
    }

    struct Located: Sendable, CustomStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var description: String { message }
    }

    @Test(
        "syntax errors name the line and column",
        arguments: [
            Located(text: "{\n  \"a\": 1,\n  \"b\": tru\n}", line: 3, column: 8, message: "invalid literal"),
            Located(text: "{\n  \"a\": 1\n  \"b\": 2\n}", line: 3, column: 3, message: "expected ',' or '}'"),
            Located(text: "[1,\n 2,\n ]", line: 3, column: 2, message: "unexpected character ']'"),
            Located(text: "{\"a\": 01}", line: 1, column: 7, message: "leading zero"),
            Located(text: "{\n\"é\": x}", line: 2, column: 6, message: "unexpected character 'x'"),
            Located(text: "[\"ab\ncd\"]", line: 1, column: 5, message: "control character in string"),
            Located(text: "{\"a\" 1}", line: 1, column: 6, message: "expected ':'"),
            Located(text: "{\n  \"a\": [1, 2", line: 2, column: 13, message: "unexpected end of input"),
            Located(text: "", line: 1, column: 1, message: "unexpected end of input"),
            Located(text: "{\"s\": \"\\q\"}", line: 1, column: 10, message: "invalid escape"),
            Located(text: "{'a': 1}", line: 1, column: 2, message: "expected a quoted key"),
            Located(text: "[1.]", line: 1, column: 4, message: "digits expected after '.'"),
            Located(text: "[-]", line: 1, column: 3, message: "invalid number"),
            Located(text: "\r\n\t [1 2]", line: 2, column: 6, message: "expected ',' or ']'"),
        ])
    func syntaxErrorPosition(_ c: Located) {
        let error = syntaxError(c.text)
        #expect(error != nil)
        #expect(error?.message.contains(c.message) == true, "\(String(describing: error))")
        #expect(error?.line == c.line, "\(String(describing: error))")
        #expect(error?.column == c.column, "\(String(describing: error))")
    }

    @Test func descriptionCarriesThePosition() {
        let error = syntaxError("{\n  x")
        #expect(error?.description == "line 2, column 3: expected a quoted key")
    }

    @Test func nestingDepthIsBounded() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = syntaxError(tooDeep)
        #expect(error?.message.contains("nesting deeper than 64") == true)
        #expect(error?.column == 65)
        // Objects count too, and the limit is a parameter.
        let objects = String(repeating: #"{"a":"#, count: 4) + "1" + String(repeating: "}", count: 4)
        #expect(syntaxError(objects, maxDepth: 3)?.message.contains("nesting deeper than 3") == true)
        #expect(syntaxError(objects, maxDepth: 4) == nil)
        // Depth is nesting, not the count of siblings.
        let wide = "[" + Array(repeating: "[[1]]", count: 500).joined(separator: ",") + "]"
        #expect(syntaxError(wide, maxDepth: 3) == nil)
        // Hostile input fails cleanly instead of overflowing the stack.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(syntaxError(hostile) != nil)
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\uD834\uDD1E""#) == .string("𝄞"))
        #expect(try parse(#""a\u00e9b""#) == .string("aéb"))
        #expect(try parse(#""\u20AC""#) == .string("€"))
    }

    @Test(
        "broken surrogates are errors",
        arguments: [
            (#""\ud83d""#, "unpaired surrogate"),
            (#""\ud83dx""#, "unpaired surrogate"),
            (#""\ude00""#, "unpaired surrogate"),
            (#""\ud83d\u0041""#, "invalid surrogate pair"),
            (#""\u12g4""#, "invalid hex digit"),
            (#""\u12"#, "truncated"),
        ])
    func brokenSurrogates(text: String, message: String) {
        let error = syntaxError(text)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let value = try JSONValue.parse(bom + Array(#"{"a":1}"#.utf8))
        #expect(value == .object([("a", .number(1, isInteger: true))]))
        // The mark is invisible in editors, so it does not shift the reported column.
        do {
            _ = try JSONValue.parse(bom + Array("{,}".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == 2)
        }
        // A BOM anywhere but the start is not whitespace.
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(" ".utf8) + bom + Array("{}".utf8)) }
    }

    @Test(
        "trailing garbage is an error",
        arguments: [
            ("{} x", 1, 4),
            ("[1]]", 1, 4),
            ("{}\n\n  {}", 3, 3),
            ("1 2", 1, 3),
            ("nullx", 1, 5),
        ])
    func trailingGarbage(text: String, line: Int, column: Int) {
        let error = syntaxError(text)
        #expect(error?.message == "unexpected text after the JSON value")
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test func trailingWhitespaceIsFine() throws {
        #expect(try parse(" \n\t{\"a\": [ ] }\r\n ") == .object([("a", .array([]))]))
    }

    @Test func invalidUTF8InStringIsAnError() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(bytes) }
    }

    @Test func controlCharactersAreEscapedWhenSerialised() throws {
        let value = JSONValue.string("a\u{01}b\u{1F}\"\\\n")
        #expect(value.serialized == #""a\u0001b\u001f\"\\\n""#)
        #expect(try parse(value.serialized) == value)
    }

    @Test func subscriptReadsObjectsOnly() throws {
        let value = try parse(#"{"k":"v"}"#)
        #expect(value["k"] == .string("v"))
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([])["k"] == nil)
    }
}
