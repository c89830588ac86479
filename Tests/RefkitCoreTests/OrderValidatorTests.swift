import Testing

@testable import RefkitCore

/// One order that must be rejected: its text, the error code and the JSON path the detail names.
struct RejectedOrder: Sendable, CustomStringConvertible {
    var json: String
    var code: String
    var path: String
    var description: String { "\(code) \(path)" }
}

@Suite("OrderValidator")
struct OrderValidatorTests {
    func validate(_ text: String) throws(RefkitError) -> Order {
        try OrderValidator.validate(bytes: Array(text.utf8))
    }

    func rejection(_ text: String) -> RefkitError? {
        do {
            let order = try validate(text)
            Issue.record("accepted: \(order)")
            return nil
        } catch {
            return error
        }
    }

    static let rejected: [RejectedOrder] = [
        // order_not_object
        .init(json: "[]", code: "order_not_object", path: "$"),
        .init(json: "\"core\"", code: "order_not_object", path: "$"),
        .init(json: "null", code: "order_not_object", path: "$"),
        // order_unknown_key, at every level that checks keys
        .init(json: #"{"colour": "red"}"#, code: "order_unknown_key", path: "$.colour"),
        .init(json: #"{"schema": "refkit.order/1", "Kit": "x"}"#, code: "order_unknown_key", path: "$.Kit"),
        .init(json: #"{"character": {"name": "Mira", "age": 30}}"#, code: "order_unknown_key", path: "$.character.age"),
        .init(json: #"{"scenes": [{"id": "a"}, {"id": "b", "title": "x"}]}"#, code: "order_unknown_key", path: "$.scenes[1].title"),
        .init(json: #"{"source": {"platform": "civitai", "likes": 3}}"#, code: "order_unknown_key", path: "$.source.likes"),
        .init(
            json: #"{"characters": [{"name": "a"}, {"name": "b", "role": "x"}]}"#, code: "order_unknown_key", path: "$.characters[1].role"),
        // order_wrong_type
        .init(json: #"{"kit": 5}"#, code: "order_wrong_type", path: "$.kit"),
        .init(json: #"{"schema": 1}"#, code: "order_wrong_type", path: "$.schema"),
        .init(json: #"{"candidates": "2"}"#, code: "order_wrong_type", path: "$.candidates"),
        .init(json: #"{"candidates": 2.5}"#, code: "order_wrong_type", path: "$.candidates"),
        .init(json: #"{"candidates": true}"#, code: "order_wrong_type", path: "$.candidates"),
        .init(json: #"{"priority": 1.0}"#, code: "order_wrong_type", path: "$.priority"),
        .init(json: #"{"analyze": "yes"}"#, code: "order_wrong_type", path: "$.analyze"),
        .init(json: #"{"analyze": 1}"#, code: "order_wrong_type", path: "$.analyze"),
        .init(json: #"{"budget_usd": "1.0"}"#, code: "order_wrong_type", path: "$.budget_usd"),
        .init(json: #"{"stages": 3}"#, code: "order_wrong_type", path: "$.stages"),
        .init(json: #"{"stages": ["front", 2]}"#, code: "order_wrong_type", path: "$.stages[1]"),
        .init(json: #"{"expressions": "smile"}"#, code: "order_wrong_type", path: "$.expressions"),
        .init(json: #"{"expressions": ["smile", null]}"#, code: "order_wrong_type", path: "$.expressions[1]"),
        .init(json: #"{"scenes": {"id": "a"}}"#, code: "order_wrong_type", path: "$.scenes"),
        .init(json: #"{"scenes": [{"id": "a"}, "beach"]}"#, code: "order_wrong_type", path: "$.scenes[1]"),
        .init(json: #"{"scenes": [{"id": "a"}, {"id": 7}]}"#, code: "order_wrong_type", path: "$.scenes[1].id"),
        .init(json: #"{"scenes": [{"id": "a", "description": ["x"]}]}"#, code: "order_wrong_type", path: "$.scenes[0].description"),
        .init(json: #"{"character": "Mira"}"#, code: "order_wrong_type", path: "$.character"),
        .init(json: #"{"character": {"name": 1}}"#, code: "order_wrong_type", path: "$.character.name"),
        .init(json: #"{"character": {"attributes": ["red"]}}"#, code: "order_wrong_type", path: "$.character.attributes"),
        .init(json: #"{"character": {"attributes": {"tall": true}}}"#, code: "order_wrong_type", path: "$.character.attributes.tall"),
        .init(json: #"{"source": "civitai"}"#, code: "order_wrong_type", path: "$.source"),
        .init(json: #"{"source": {"url": 1}}"#, code: "order_wrong_type", path: "$.source.url"),
        .init(json: #"{"source": {"id": 1.5}}"#, code: "order_wrong_type", path: "$.source.id"),
        .init(json: #"{"source": {"meta": [1]}}"#, code: "order_wrong_type", path: "$.source.meta"),
        .init(json: #"{"characters": {"name": "a"}}"#, code: "order_wrong_type", path: "$.characters"),
        .init(json: #"{"characters": [{"name": "a"}, 3]}"#, code: "order_wrong_type", path: "$.characters[1]"),
        // order_unsafe_name
        .init(json: #"{"kit": "../etc/passwd"}"#, code: "order_unsafe_name", path: "$.kit"),
        .init(json: #"{"kit": ".hidden"}"#, code: "order_unsafe_name", path: "$.kit"),
        .init(json: #"{"kit": "a/b"}"#, code: "order_unsafe_name", path: "$.kit"),
        .init(json: #"{"kit": ""}"#, code: "order_unsafe_name", path: "$.kit"),
        .init(json: #"{"kit": "Mïra"}"#, code: "order_unsafe_name", path: "$.kit"),
        .init(json: #"{"scenes": [{"id": "beach"}, {"id": "night city"}]}"#, code: "order_unsafe_name", path: "$.scenes[1].id"),
        .init(json: #"{"scenes": [{"id": "../x"}]}"#, code: "order_unsafe_name", path: "$.scenes[0].id"),
        .init(json: #"{"expressions": ["smile", "big grin"]}"#, code: "order_unsafe_name", path: "$.expressions[1]"),
        .init(json: #"{"characters": [{"name": "Mira Lee"}]}"#, code: "order_unsafe_name", path: "$.characters[0].name"),
        // order_invalid_value
        .init(json: #"{"candidates": 0}"#, code: "order_invalid_value", path: "$.candidates"),
        .init(json: #"{"candidates": 9}"#, code: "order_invalid_value", path: "$.candidates"),
        .init(json: #"{"selection": "random"}"#, code: "order_invalid_value", path: "$.selection"),
        .init(json: #"{"stages": "everything"}"#, code: "order_invalid_value", path: "$.stages"),
        .init(json: #"{"stages": []}"#, code: "order_invalid_value", path: "$.stages"),
        .init(json: #"{"stages": ["front", "wings"]}"#, code: "order_invalid_value", path: "$.stages[1]"),
        .init(json: #"{"stages": ["front", "scene:"]}"#, code: "order_invalid_value", path: "$.stages[1]"),
        .init(json: #"{"stages": ["expression:big grin"]}"#, code: "order_invalid_value", path: "$.stages[0]"),
        .init(json: #"{"provider": "../gemini"}"#, code: "order_invalid_value", path: "$.provider"),
        .init(json: #"{"model": ""}"#, code: "order_invalid_value", path: "$.model"),
        .init(json: #"{"kit": "a", "retry": true, "remake": true}"#, code: "order_invalid_control", path: "$.remake"),
        .init(json: #"{"kit": "a", "select": 2, "remake": "yes"}"#, code: "order_wrong_type", path: "$.remake"),
        .init(json: #"{"model": "a\nb"}"#, code: "order_invalid_value", path: "$.model"),
        .init(json: #"{"budget_usd": -0.5}"#, code: "order_invalid_value", path: "$.budget_usd"),
        .init(json: #"{"budget_usd": 10001}"#, code: "order_invalid_value", path: "$.budget_usd"),
        .init(json: #"{"priority": 1001}"#, code: "order_invalid_value", path: "$.priority"),
        .init(
            json: #"{"character": {"attributes": {"hair color": "red"}}}"#, code: "order_invalid_value",
            path: "$.character.attributes.hair color"),
        .init(
            json: #"{"character": {"name": "\#(String(repeating: "n", count: 201))"}}"#, code: "order_invalid_value",
            path: "$.character.name"),
        .init(
            json: #"{"character": {"attributes": {"outfit": "\#(String(repeating: "o", count: 501))"}}}"#, code: "order_invalid_value",
            path: "$.character.attributes.outfit"),
        .init(
            json: #"{"expressions": [\#(Array(repeating: "\"a\"", count: 201).joined(separator: ","))]}"#, code: "order_invalid_value",
            path: "$.expressions"),
        // order_schema_unsupported
        .init(json: #"{"schema": "refkit.order/2"}"#, code: "order_schema_unsupported", path: "$.schema"),
        .init(json: #"{"schema": "refkit.manifest/1"}"#, code: "order_schema_unsupported", path: "$.schema"),
        // order_missing_field
        .init(json: #"{"scenes": [{"id": "a"}, {"description": "no id"}]}"#, code: "order_missing_field", path: "$.scenes[1].id"),
        .init(
            json: #"{"characters": [{"name": "a"}, {"description": "nameless"}]}"#, code: "order_missing_field",
            path: "$.characters[1].name"),
        // order_duplicate_id
        .init(json: #"{"scenes": [{"id": "beach"}, {"id": "beach"}]}"#, code: "order_duplicate_id", path: "$.scenes[1].id"),
        .init(
            json: #"{"characters": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}"#, code: "order_duplicate_id",
            path: "$.characters[2].name"),
    ]

    @Test("rejections carry the code and the JSON path", arguments: rejected)
    func rejectsWithPath(_ c: RejectedOrder) {
        guard let error = rejection(c.json) else { return }
        #expect(error.code.rawValue == c.code, "\(error)")
        // The detail starts with the path, followed by nothing or a space (so `$.scenes[1]`
        // does not pass for `$.scenes[1].id`).
        #expect(error.detail == c.path || error.detail.hasPrefix(c.path + " "), "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func everyErrorCodeIsCovered() {
        let codes = Set(Self.rejected.map(\.code)).union(["order_invalid_json", "order_too_large"])
        #expect(
            codes == [
                "order_invalid_json", "order_not_object", "order_unknown_key", "order_wrong_type", "order_unsafe_name",
                "order_invalid_value", "order_schema_unsupported", "order_too_large", "order_missing_field", "order_duplicate_id",
                "order_invalid_control",
            ])
    }

    @Test func invalidJSONNamesLineAndColumn() {
        let error = rejection("{\n  \"kit\": \"mira\",\n  \"kit\": \"other\"\n}")
        #expect(error?.code.rawValue == "order_invalid_json")
        #expect(error?.detail == "line 3, column 3: duplicate key \"kit\"")
        let truncated = rejection("{\"kit\": ")
        #expect(truncated?.code.rawValue == "order_invalid_json")
        #expect(truncated?.detail.hasPrefix("line 1, column 9:") == true)
    }

    @Test func tooLargeIsRejectedBeforeParsing() {
        // Not even JSON: size is checked first.
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: OrderValidator.maxOrderBytes + 1)
        do {
            _ = try OrderValidator.validate(bytes: bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code.rawValue == "order_too_large")
            #expect(error.detail == "\(OrderValidator.maxOrderBytes + 1) bytes")
        }
        // Exactly at the limit is allowed (a valid order padded with spaces).
        var padded = Array(#"{"kit":"mira"}"#.utf8)
        padded += [UInt8](repeating: 0x20, count: OrderValidator.maxOrderBytes - padded.count)
        #expect((try? OrderValidator.validate(bytes: padded))?.kit == "mira")
    }

    @Test func emptyObjectIsAnEmptyOrder() throws {
        let order = try validate("{}")
        #expect(order == Order())
        #expect(!order.isTextOnlyPlan)
    }

    static let fullOrder = #"""
        {
          "schema": "refkit.order/1",
          "kit": "Mira Vale 2.0",
          "character": {
            "name": "Mira Vale",
            "description": "A tall courier with a scar over one eye.",
            "attributes": {
              "gender": "female", "species": "human", "age": 34, "hair_color": "copper",
              "hair_style": "braided", "eye_color": "green", "outfit": "rain cape", "height_cm": 181.5, "tattoo": "fox"
            }
          },
          "stages": ["avatar", "front", "back", "half_body", "expression:wink", "scene:rooftop", "front"],
          "expressions": ["smile", "wink", "smile"],
          "scenes": [
            {"id": "rooftop", "description": "on a rainy rooftop at night"},
            {"id": "market"}
          ],
          "candidates": 4,
          "selection": "manual",
          "provider": "gemini",
          "model": "gemini-2.5-flash-image",
          "analyze": true,
          "budget_usd": 2.5,
          "priority": -3,
          "source": {"platform": "civitai", "url": "https://civitai.com/images/1", "id": 123, "author": "someone", "meta": {"seed": 42}}
        }
        """#

    @Test func acceptsAFullOrder() throws {
        let order = try validate(Self.fullOrder)
        #expect(order.kit == "Mira Vale 2.0")
        #expect(order.character?.name == "Mira Vale")
        #expect(order.character?.description == "A tall courier with a scar over one eye.")
        #expect(
            order.character?.attributes.map(\.key) == [
                "gender", "species", "age", "hair_color", "hair_style", "eye_color", "outfit", "height_cm", "tattoo",
            ])
        #expect(
            order.character?.attributes.map(\.value) == [
                "female", "human", "34", "copper", "braided", "green", "rain cape", "181.5", "fox",
            ])
        // Duplicates in lists are dropped, first occurrence wins.
        #expect(order.stages == .list([.avatar, .front, .back, .halfBody, .expression("wink"), .scene("rooftop")]))
        #expect(order.expressions == ["smile", "wink"])
        #expect(order.scenes == [.init(id: "rooftop", description: "on a rainy rooftop at night"), .init(id: "market", description: "")])
        #expect(order.candidates == 4)
        #expect(order.selection == .manual)
        #expect(order.provider == "gemini")
        #expect(order.model == "gemini-2.5-flash-image")
        #expect(order.analyze == true)
        #expect(order.budgetUSD == 2.5)
        #expect(order.priority == -3)
        #expect(order.source?["platform"] == .string("civitai"))
        #expect(order.source?["id"] == .number(123, isInteger: true))
        #expect(order.source?["meta"]?["seed"] == .number(42, isInteger: true))
        #expect(order.characters.isEmpty)
    }

    @Test("stage profiles", arguments: StageProfile.allCases)
    func profiles(_ profile: StageProfile) throws {
        let order = try validate(#"{"stages": "\#(profile.rawValue)"}"#)
        #expect(order.stages == .profile(profile))
    }

    @Test func explicitListsAcceptEveryStageName() throws {
        let names = Stage.views.map(\.name) + ["expression:smile", "scene:beach-1", "character:Bo_2"]
        let json = JSONValue.object([("stages", .array(names.map(JSONValue.string)))])
        let order = try OrderValidator.validate(json: json)
        #expect(order.stages == .list(Stage.views + [.expression("smile"), .scene("beach-1"), .character("Bo_2")]))
    }

    @Test func textOnlyPlan() throws {
        let order = try validate(
            #"""
            {"characters": [{"name": "ana", "description": "a knight"}, {"name": "bo", "attributes": {"species": "fox"}}],
             "scenes": [{"id": "duel", "description": "ana and bo duel"}]}
            """#)
        #expect(order.isTextOnlyPlan)
        #expect(order.characters.map(\.name) == ["ana", "bo"])
        #expect(order.characters[1].attributes.first?.value == "fox")
    }

    @Test func boundaryValuesAreAccepted() throws {
        let order = try validate(#"{"candidates": 8, "priority": -1000, "budget_usd": 0, "kit": "\#(String(repeating: "k", count: 100))"}"#)
        #expect(order.candidates == 8)
        #expect(order.priority == -1000)
        #expect(order.budgetUSD == 0)
        #expect(order.kit?.count == 100)
        #expect(rejection(#"{"kit": "\#(String(repeating: "k", count: 101))"}"#)?.code.rawValue == "order_unsafe_name")
        #expect((try? validate(#"{"source": {"id": "abc"}}"#))?.source?["id"] == .string("abc"))
    }

    static let roundTripOrders: [Order] = [
        Order(),
        Order(kit: "mira", stages: .profile(.extended), expressions: ["smile", "wink"], provider: "preview"),
        Order(
            kit: "Mira Vale",
            character: .init(name: "Mira", description: "courier", attributes: [("hair_color", "red"), ("scar", "left eye")]),
            stages: .list([.avatar, .side, .expression("grin"), .scene("roof")]), expressions: ["grin"],
            scenes: [.init(id: "roof", description: "rain \"and\" neon\n"), .init(id: "dock", description: "")],
            candidates: 3, selection: .auto, provider: "fal", model: "fal-ai/x", analyze: false, budgetUSD: 0.75, priority: 12,
            source: .object([
                ("platform", .string("civitai")), ("id", .number(9, isInteger: true)),
                ("meta", .object([("steps", .number(30, isInteger: true))])),
            ])),
        Order(
            scenes: [.init(id: "duel", description: "d")],
            characters: [.init(name: "ana"), .init(name: "bo", description: "fox", attributes: [("species", "fox")])]),
        Order(budgetUSD: 3),
    ]

    @Test("jsonValue validates back to the same order", arguments: roundTripOrders.indices)
    func roundTrip(_ index: Int) throws {
        let order = Self.roundTripOrders[index]
        let json = order.jsonValue
        #expect(json["schema"] == .string(Order.schema))
        #expect(try OrderValidator.validate(json: json) == order)
        // And through text, as a sidecar would travel.
        #expect(try validate(json.serialized) == order)
    }

    @Test func fullOrderRoundTrips() throws {
        let order = try validate(Self.fullOrder)
        #expect(try validate(order.jsonValue.serialized) == order)
    }

    @Test func overlayingFillsOnlyMissingFields() {
        let base = Order(
            stages: .profile(.turnaround), scenes: [.init(id: "a", description: "")], candidates: 2, provider: "preview", priority: 1)
        let sidecar = Order(kit: "x", stages: .profile(.core), provider: "gemini")
        let merged = sidecar.overlaying(base)
        #expect(merged.kit == "x")
        #expect(merged.stages == .profile(.core))
        #expect(merged.provider == "gemini")
        #expect(merged.candidates == 2)
        #expect(merged.priority == 1)
        #expect(merged.scenes.map(\.id) == ["a"])
    }
}
