/// Validates order JSON against `refkit.order/1`: unknown keys, wrong types, unsafe names and
/// out-of-range values are errors that name the JSON path (`$.scenes[1].id`).
public enum OrderValidator {
    /// Orders larger than this are rejected before parsing.
    public static let maxOrderBytes = 1 << 20

    static let topKeys: Set<String> = [
        "schema", "kit", "character", "stages", "expressions", "scenes", "candidates", "selection", "provider", "fallback_provider",
        "model", "analyze", "qa", "qa_checks", "budget_usd", "priority", "source", "characters", "select", "regenerate", "retry",
        "images",
        "face_swap",
        "remake",
        "sources",
        "provider_inputs",
        "prompts", "negative_prompt",
    ]
    static let characterKeys: Set<String> = ["name", "description", "attributes"]
    /// Attributes the prompts know by name; other string-valued keys are kept as free attributes.
    public static let knownAttributes = ["gender", "species", "age", "hair_color", "hair_style", "eye_color", "outfit"]
    static let sceneKeys: Set<String> = ["id", "description", "characters"]
    static let sourceKeys: Set<String> = ["platform", "url", "id", "author", "meta", "rating"]
    static let maxCandidates = 8

    /// Parses and validates order bytes.
    public static func validate(bytes: [UInt8]) throws(RefkitError) -> Order {
        guard bytes.count <= maxOrderBytes else {
            throw RefkitError(.orderTooLarge, "order is larger than \(maxOrderBytes) bytes", detail: "\(bytes.count) bytes")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw RefkitError(.orderInvalidJson, "order is not valid JSON", detail: error.description)
        }
        return try validate(json: json)
    }

    public static func validate(json: JSONValue) throws(RefkitError) -> Order {
        guard case .object(let members) = json else {
            throw RefkitError(.orderNotObject, "an order must be a JSON object", detail: "$ is \(json.typeName)")
        }
        try checkKeys(members, allowed: topKeys, path: "$")
        var order = Order()
        if let schema = json["schema"] {
            let value = try string(schema, "$.schema")
            guard value == Order.schema else {
                throw RefkitError(
                    .orderSchemaUnsupported, "unsupported order schema", detail: "$.schema is \"\(value)\", expected \"\(Order.schema)\"")
            }
        }
        if let kit = json["kit"] {
            let name = try string(kit, "$.kit")
            guard SafeName.isSafeKitName(name) else {
                throw RefkitError(
                    .orderUnsafeName, "kit name is not safe",
                    detail: "$.kit \"\(name)\": use 1-100 letters, digits, space, '.', '_', '-', starting with a letter or digit, no '..'")
            }
            order.kit = name
        }
        if let character = json["character"] { order.character = try parseCharacter(character, path: "$.character") }
        if let expressions = json["expressions"] {
            order.expressions = try identifiers(expressions, path: "$.expressions", what: "expression")
        }
        if let stages = json["stages"] { order.stages = try parseStages(stages) }
        if let scenes = json["scenes"] {
            let items = try array(scenes, "$.scenes")
            var ids = Set<String>()
            for (i, item) in items.enumerated() {
                let path = "$.scenes[\(i)]"
                guard case .object(let sceneMembers) = item else { throw wrongType(path, "object", item) }
                try checkKeys(sceneMembers, allowed: sceneKeys, path: path)
                guard let idValue = item["id"] else {
                    throw RefkitError(.orderMissingField, "scene needs an id", detail: "\(path).id is missing")
                }
                let id = try identifier(idValue, path: "\(path).id", what: "scene id")
                guard ids.insert(id).inserted else {
                    throw RefkitError(.orderDuplicateId, "scene id used twice", detail: "\(path).id \"\(id)\"")
                }
                let description = try item["description"].map { v throws(RefkitError) in try string(v, "\(path).description") } ?? ""
                let names = try item["characters"].map { v throws(RefkitError) in try sceneCharacters(v, path: "\(path).characters") }
                order.scenes.append(.init(id: id, description: description, characters: names ?? []))
            }
        }
        if let candidates = json["candidates"] {
            let n = try integer(candidates, "$.candidates")
            guard (1...maxCandidates).contains(n) else {
                throw RefkitError(
                    .orderInvalidValue, "candidates out of range", detail: "$.candidates is \(n), allowed 1...\(maxCandidates)")
            }
            order.candidates = n
        }
        if let select = json["select"] {
            let n = try integer(select, "$.select")
            guard (1...maxCandidates).contains(n) else {
                throw RefkitError(.orderInvalidValue, "select out of range", detail: "$.select is \(n), allowed 1...\(maxCandidates)")
            }
            order.select = n
        }
        if let regenerate = json["regenerate"] {
            guard case .array(let items) = regenerate, !items.isEmpty else {
                throw wrongType("$.regenerate", "non-empty array of stage names", regenerate)
            }
            var stages: [Stage] = []
            for (i, item) in items.enumerated() {
                let name = try string(item, "$.regenerate[\(i)]")
                guard let stage = Stage(name: name) else {
                    throw RefkitError(.orderInvalidValue, "not a stage name", detail: "$.regenerate[\(i)] \"\(name)\"")
                }
                if !stages.contains(stage) { stages.append(stage) }
            }
            order.regenerate = stages
        }
        if let retry = json["retry"] {
            guard case .bool(let b) = retry else { throw wrongType("$.retry", "boolean", retry) }
            order.retry = b
        }
        if let remake = json["remake"] {
            guard case .bool(let b) = remake else { throw wrongType("$.remake", "boolean", remake) }
            guard order.select != nil else {
                throw RefkitError(
                    .orderInvalidControl, "remake goes with select", detail: "$.remake needs \"select\": N in the same order")
            }
            order.remake = b
        }
        if order.select != nil || order.regenerate != nil || order.retry == true {
            let actions = [order.select != nil, order.regenerate != nil, order.retry == true].filter { $0 }.count
            guard actions == 1 else {
                throw RefkitError(
                    .orderInvalidControl, "a control order does one thing", detail: "give only one of select, regenerate, retry")
            }
            guard json["kit"] != nil else {
                throw RefkitError(.orderInvalidControl, "a control order must name its kit", detail: "$.kit is missing")
            }
        }
        if let swap = json["face_swap"] {
            guard case .object(let members) = swap else { throw wrongType("$.face_swap", "object", swap) }
            try checkKeys(members, allowed: ["target", "name"], path: "$.face_swap")
            guard let targetValue = swap["target"] else {
                throw RefkitError(.orderMissingField, "a face swap names its target image", detail: "$.face_swap.target is missing")
            }
            let target = try string(targetValue, "$.face_swap.target")
            guard (1...255).contains(target.utf8.count), !target.contains("/"), !target.hasPrefix("."),
                !target.unicodeScalars.contains(where: { $0.value < 0x20 })
            else {
                throw RefkitError(
                    .orderInvalidValue, "the face swap target must be a plain file name in the same inbox",
                    detail: "$.face_swap.target \"\(target)\"")
            }
            var name: String?
            if let n = swap["name"] { name = try identifier(n, path: "$.face_swap.name", what: "face swap name") }
            guard json["kit"] != nil else {
                throw RefkitError(.orderInvalidControl, "a face swap order must name its kit", detail: "$.kit is missing")
            }
            order.faceSwap = Order.FaceSwap(target: target, name: name)
        }
        if let images = json["images"] { order.images = try parseImages(images, order: order, json: json) }
        if let selection = json["selection"] {
            let s = try string(selection, "$.selection")
            guard let value = Order.Selection(rawValue: s) else {
                throw RefkitError(
                    .orderInvalidValue, "unknown selection", detail: "$.selection is \"\(s)\", expected \"auto\" or \"manual\"")
            }
            order.selection = value
        }
        if let provider = json["provider"] {
            let p = try string(provider, "$.provider")
            guard SafeName.isSafeIdentifier(p) else {
                throw RefkitError(.orderInvalidValue, "provider name is not valid", detail: "$.provider \"\(p)\"")
            }
            order.provider = p
        }
        if let fallback = json["fallback_provider"] {
            let p = try string(fallback, "$.fallback_provider")
            guard SafeName.isSafeIdentifier(p) else {
                throw RefkitError(.orderInvalidValue, "provider name is not valid", detail: "$.fallback_provider \"\(p)\"")
            }
            order.fallbackProvider = p
        }
        if let model = json["model"] {
            let m = try string(model, "$.model")
            guard (1...200).contains(m.count), !m.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw RefkitError(.orderInvalidValue, "model name is not valid", detail: "$.model")
            }
            order.model = m
        }
        if let analyze = json["analyze"] {
            guard case .bool(let b) = analyze else { throw wrongType("$.analyze", "boolean", analyze) }
            order.analyze = b
        }
        if let qa = json["qa"] {
            guard case .bool(let b) = qa else { throw wrongType("$.qa", "boolean", qa) }
            order.qa = b
        }
        if let checks = json["qa_checks"] { order.qaChecks = try qaChecks(checks, path: "$.qa_checks") }
        if let budget = json["budget_usd"] {
            guard case .number(let d, _) = budget else { throw wrongType("$.budget_usd", "number", budget) }
            guard d >= 0, d <= 10_000 else {
                throw RefkitError(.orderInvalidValue, "budget out of range", detail: "$.budget_usd is \(d), allowed 0...10000")
            }
            order.budgetUSD = d
        }
        if let priority = json["priority"] {
            let p = try integer(priority, "$.priority")
            guard (-1000...1000).contains(p) else {
                throw RefkitError(.orderInvalidValue, "priority out of range", detail: "$.priority is \(p), allowed -1000...1000")
            }
            order.priority = p
        }
        if let source = json["source"] {
            guard case .object(let sourceMembers) = source else { throw wrongType("$.source", "object", source) }
            try checkKeys(sourceMembers, allowed: sourceKeys, path: "$.source")
            for key in ["platform", "url", "author"] {
                if let v = source[key] { _ = try string(v, "$.source.\(key)") }
            }
            if let id = source["id"] {
                switch id {
                case .string, .number(_, isInteger: true): break
                default: throw wrongType("$.source.id", "string or integer", id)
                }
            }
            if let rating = source["rating"], ContentRating(name: try string(rating, "$.source.rating")) == nil {
                throw RefkitError(
                    .orderInvalidValue, "unknown content rating",
                    detail: "$.source.rating is \(rating.serialized), allowed \(ContentRating.names.joined(separator: ", "))")
            }
            if let meta = source["meta"], case .object = meta {
            } else if let meta = source["meta"] {
                throw wrongType("$.source.meta", "object", meta)
            }
            order.source = source
        }
        if let characters = json["characters"] {
            let items = try array(characters, "$.characters")
            var names = Set<String>()
            for (i, item) in items.enumerated() {
                let path = "$.characters[\(i)]"
                let c = try parseCharacter(item, path: path)
                guard let name = c.name else {
                    throw RefkitError(.orderMissingField, "each character of a plan needs a name", detail: "\(path).name is missing")
                }
                guard SafeName.isSafeIdentifier(name) else {
                    throw RefkitError(
                        .orderUnsafeName, "character name is not a safe identifier",
                        detail: "\(path).name \"\(name)\": use 1-64 of A-Z a-z 0-9 _ -")
                }
                guard names.insert(name).inserted else {
                    throw RefkitError(.orderDuplicateId, "character name used twice", detail: "\(path).name \"\(name)\"")
                }
                order.characters.append(c)
            }
        }
        if let sources = json["sources"] { order.sources = try parseSources(sources, order: order) }
        if let inputs = json["provider_inputs"] { order.providerInputs = try providerInputs(inputs) }
        try parsePromptControl(json, into: &order)
        return order
    }

    // MARK: - Pieces

    static func parseCharacter(_ value: JSONValue, path: String) throws(RefkitError) -> Order.Character {
        guard case .object(let members) = value else { throw wrongType(path, "object", value) }
        try checkKeys(members, allowed: characterKeys, path: path)
        var c = Order.Character()
        if let name = value["name"] { c.name = try boundedText(name, "\(path).name", max: 200) }
        if let description = value["description"] { c.description = try boundedText(description, "\(path).description", max: 4000) }
        if let attributes = value["attributes"] {
            guard case .object(let attrs) = attributes else { throw wrongType("\(path).attributes", "object", attributes) }
            for (key, v) in attrs {
                let p = "\(path).attributes.\(key)"
                guard SafeName.isSafeIdentifier(key) else {
                    throw RefkitError(.orderInvalidValue, "attribute name is not a safe identifier", detail: p)
                }
                let text: String
                switch v {
                case .string(let s): text = s
                case .number(let d, let isInteger): text = isInteger ? String(Int64(d)) : String(d)
                default: throw wrongType(p, "string", v)
                }
                guard text.count <= 500 else {
                    throw RefkitError(.orderInvalidValue, "attribute value is longer than 500 characters", detail: p)
                }
                c.attributes.append((key, text))
            }
        }
        return c
    }

    static func parseStages(_ value: JSONValue) throws(RefkitError) -> Order.StageRequest {
        switch value {
        case .string(let name):
            guard let profile = StageProfile(rawValue: name) else {
                throw RefkitError(
                    .orderInvalidValue, "unknown stage profile",
                    detail:
                        "$.stages \"\(name)\": expected one of \(StageProfile.allCases.map(\.rawValue).joined(separator: ", ")) or a "
                        + "list of stages"
                )
            }
            return .profile(profile)
        case .array(let items):
            guard !items.isEmpty else { throw RefkitError(.orderInvalidValue, "stages list is empty", detail: "$.stages") }
            var stages: [Stage] = []
            for (i, item) in items.enumerated() {
                let name = try string(item, "$.stages[\(i)]")
                guard let stage = Stage(name: name), !stage.isMadeImage else {
                    throw RefkitError(
                        .orderInvalidValue, "unknown stage",
                        detail:
                            "$.stages[\(i)] \"\(name)\": expected \(Stage.views.map(\.name).joined(separator: ", ")), expression:NAME, "
                            + "scene:ID or character:NAME"
                    )
                }
                if !stages.contains(stage) { stages.append(stage) }
            }
            return .list(stages)
        default:
            throw wrongType("$.stages", "string (profile) or array of stage names", value)
        }
    }

    static func checkKeys(_ members: [(key: String, value: JSONValue)], allowed: Set<String>, path: String) throws(RefkitError) {
        for (key, _) in members where !allowed.contains(key) {
            throw RefkitError(
                .orderUnknownKey, "unknown key in order",
                detail: "\(path).\(key) is not a key of \(Order.schema) (allowed here: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func wrongType(_ path: String, _ expected: String, _ value: JSONValue) -> RefkitError {
        RefkitError(.orderWrongType, "wrong type in order", detail: "\(path) must be \(expected), got \(value.typeName)")
    }

    static func string(_ value: JSONValue, _ path: String) throws(RefkitError) -> String {
        guard case .string(let s) = value else { throw wrongType(path, "string", value) }
        return s
    }

    static func boundedText(_ value: JSONValue, _ path: String, max: Int) throws(RefkitError) -> String {
        let s = try string(value, path)
        guard s.count <= max else { throw RefkitError(.orderInvalidValue, "text is longer than \(max) characters", detail: path) }
        return s
    }

    static func integer(_ value: JSONValue, _ path: String) throws(RefkitError) -> Int {
        guard case .number(let d, true) = value, let i = Int(exactly: d) else { throw wrongType(path, "integer", value) }
        return i
    }

    static func array(_ value: JSONValue, _ path: String) throws(RefkitError) -> [JSONValue] {
        guard case .array(let items) = value else { throw wrongType(path, "array", value) }
        guard items.count <= 200 else { throw RefkitError(.orderInvalidValue, "list longer than 200 items", detail: path) }
        return items
    }

    static func identifier(_ value: JSONValue, path: String, what: String) throws(RefkitError) -> String {
        let s = try string(value, path)
        guard SafeName.isSafeIdentifier(s) else {
            throw RefkitError(.orderUnsafeName, "\(what) is not a safe identifier", detail: "\(path) \"\(s)\": use 1-64 of A-Z a-z 0-9 _ -")
        }
        return s
    }

    /// A list of check names (`["health", "face"]`): each one known, none twice.
    public static func qaChecks(_ value: JSONValue, path: String) throws(RefkitError) -> [QACheckID] {
        var out: [QACheckID] = []
        for (i, item) in try array(value, path).enumerated() {
            let name = try string(item, "\(path)[\(i)]")
            guard let check = QACheckID(rawValue: name) else {
                let known = QACheckID.allCases.map(\.rawValue).joined(separator: ", ")
                throw RefkitError(
                    .orderInvalidValue, "unknown quality check", detail: "\(path)[\(i)] \"\(name)\": expected one of \(known)")
            }
            guard !out.contains(check) else {
                throw RefkitError(.orderInvalidValue, "quality check named twice", detail: "\(path)[\(i)] \"\(name)\"")
            }
            out.append(check)
        }
        return out
    }

    static func identifiers(_ value: JSONValue, path: String, what: String) throws(RefkitError) -> [String] {
        let items = try array(value, path)
        var out: [String] = []
        for (i, item) in items.enumerated() {
            let id = try identifier(item, path: "\(path)[\(i)]", what: what)
            if !out.contains(id) { out.append(id) }
        }
        return out
    }
}
