import Testing

@testable import RefkitCore

/// Issue 17 item 1: `"sources"`, several images of one character named in an order.
@Suite("OrderValidator: sources")
struct OrderSourcesTests {
    func validate(_ text: String) throws(RefkitError) -> Order { try OrderValidator.validate(bytes: Array(text.utf8)) }

    func code(_ text: String) -> (String, String)? {
        do {
            _ = try validate(text)
            return nil
        } catch {
            return (error.code.rawValue, error.detail)
        }
    }

    @Test("a list of plain file names is kept in its order and read back from the order's JSON")
    func parsesAndRoundTrips() throws {
        let order = try validate(#"{"kit": "mira", "sources": ["mira-1.jpg", "Mira 2.PNG", "3.webp"]}"#)
        #expect(order.sources == ["mira-1.jpg", "Mira 2.PNG", "3.webp"])
        #expect(try OrderValidator.validate(json: order.jsonValue) == order)
        #expect(try validate(#"{"kit": "mira"}"#).sources.isEmpty)
    }

    @Test(
        "bad lists are rejected with the path",
        arguments: [
            (#"{"sources": "a.jpg"}"#, "order_wrong_type", "$.sources"),
            (#"{"sources": []}"#, "order_wrong_type", "$.sources"),
            (#"{"sources": [1]}"#, "order_wrong_type", "$.sources[0]"),
            (#"{"sources": ["a/b.jpg"]}"#, "order_invalid_value", "$.sources[0]"),
            (#"{"sources": ["ok.jpg", ".hidden.jpg"]}"#, "order_invalid_value", "$.sources[1]"),
            (#"{"sources": ["a.jpg", "other.JSON"]}"#, "order_invalid_value", "$.sources[1]"),
            (#"{"sources": ["a.jpg", "a.jpg"]}"#, "order_duplicate_id", "$.sources[1]"),
            (#"{"kit": "m", "face_swap": {"target": "g.jpg"}, "sources": ["a.jpg"]}"#, "order_invalid_value", "$.sources"),
            (#"{"kit": "m", "retry": true, "sources": ["a.jpg"]}"#, "order_invalid_value", "$.sources"),
            (#"{"characters": [{"name": "a"}], "sources": ["a.jpg"]}"#, "order_invalid_value", "$.sources"),
        ])
    func rejects(json: String, expected: String, path: String) {
        let found = code(json)
        #expect(found?.0 == expected)
        #expect(found?.1.contains(path) == true, "\(found?.1 ?? "accepted")")
    }

    @Test("at most 16 sources")
    func bounded() throws {
        let names = (1...17).map { "\"\($0).jpg\"" }
        #expect(code(#"{"sources": [\#(names.dropLast().joined(separator: ","))]}"#) == nil)
        #expect(code(#"{"sources": [\#(names.joined(separator: ","))]}"#)?.0 == "order_invalid_value")
    }
}
