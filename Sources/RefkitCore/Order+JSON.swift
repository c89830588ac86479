import Foundation

extension Order {
    /// The order as `refkit.order/1` JSON (what validation reads back to the same value).
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("schema", .string(Order.schema))]
        func characterJSON(_ c: Character) -> JSONValue {
            var m: [(key: String, value: JSONValue)] = []
            if let name = c.name { m.append(("name", .string(name))) }
            if let d = c.description { m.append(("description", .string(d))) }
            if !c.attributes.isEmpty { m.append(("attributes", .object(c.attributes.map { ($0.key, .string($0.value)) }))) }
            return .object(m)
        }
        if let kit { members.append(("kit", .string(kit))) }
        if let character { members.append(("character", characterJSON(character))) }
        switch stages {
        case .profile(let p)?: members.append(("stages", .string(p.rawValue)))
        case .list(let list)?: members.append(("stages", .array(list.map { .string($0.name) })))
        case nil: break
        }
        if let expressions { members.append(("expressions", .array(expressions.map(JSONValue.string)))) }
        if !scenes.isEmpty {
            members.append(("scenes", .array(scenes.map(\.jsonValue))))
        }
        if let candidates { members.append(("candidates", .number(Double(candidates), isInteger: true))) }
        if let selection { members.append(("selection", .string(selection.rawValue))) }
        if !images.isEmpty { members.append(("images", .array(images.map(\.jsonValue)))) }
        if let select { members.append(("select", .number(Double(select), isInteger: true))) }
        if let regenerate { members.append(("regenerate", .array(regenerate.map { .string($0.name) }))) }
        if let retry { members.append(("retry", .bool(retry))) }
        if let remake { members.append(("remake", .bool(remake))) }
        if let faceSwap {
            members.append(
                (
                    "face_swap",
                    .object([("target", .string(faceSwap.target))] + (faceSwap.name.map { [("name", JSONValue.string($0))] } ?? []))
                ))
        }
        if !sources.isEmpty { members.append(("sources", .array(sources.map(JSONValue.string)))) }
        if let provider { members.append(("provider", .string(provider))) }
        if let fallbackProvider { members.append(("fallback_provider", .string(fallbackProvider))) }
        if let model { members.append(("model", .string(model))) }
        if let analyze { members.append(("analyze", .bool(analyze))) }
        if let qa { members.append(("qa", .bool(qa))) }
        if let qaChecks { members.append(("qa_checks", .array(qaChecks.map { .string($0.rawValue) }))) }
        if let budgetUSD { members.append(("budget_usd", .number(budgetUSD, isInteger: false))) }
        if let priority { members.append(("priority", .number(Double(priority), isInteger: true))) }
        if let source { members.append(("source", source)) }
        if let providerInputs { members.append(("provider_inputs", providerInputs)) }
        if !characters.isEmpty || scenesOnly { members.append(("characters", .array(characters.map(characterJSON)))) }
        if let prompts { members.append(("prompts", prompts.jsonValue)) }
        if let negativePrompt { members.append(("negative_prompt", .string(negativePrompt))) }
        return .object(members)
    }
}

extension SafeName {
    /// A kit name made from a file stem: unsafe characters become `-`; `kit` if nothing is left.
    public static func kitName(fromStem stem: String) -> String {
        var out = ""
        for scalar in stem.unicodeScalars {
            let ok =
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " ._-".unicodeScalars.contains(scalar))
            out.unicodeScalars.append(ok ? scalar : "-")
        }
        while out.contains("..") { out = out.replacingOccurrences(of: "..", with: ".") }
        while let first = out.unicodeScalars.first, !(first.properties.isAlphabetic || ("0"..."9").contains(first)) { out.removeFirst() }
        if out.count > 100 { out = String(out.prefix(100)) }
        return out.isEmpty ? "kit" : out
    }
}
