import RefkitCore

extension QAKitSummary {
    /// The summary of a kit's checked references (done, not candidates), as the manifest, `refkit show`
    /// and `refkit kits` report it; nil when none was checked. The identity mode is read back from the
    /// identity checks: measured on any reference means `photoreal`, skipped on all means `stylized`.
    public init?(checked records: [QAStageRecord], spendUSD: Double) {
        guard !records.isEmpty else { return nil }
        let identity = records.flatMap(\.checks).filter { $0.check == .identity }
        self.init(stages: records, spendUSD: spendUSD, identityMode: nil)
        let measured = identity.contains { $0.verdict != .skipped }
        if !identity.isEmpty { identityMode = (measured ? IdentityMode.photoreal : .stylized(reason: "")).name }
    }

    /// One line for people: `3 pass, 1 warn, 1 fail, 0 skipped; 2 regenerations`, with the judge's
    /// spend when there was any.
    public var line: String {
        let order: [QAVerdict] = [.pass, .warn, .fail, .skipped]
        var text = order.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        text += "; \(regenerations) regeneration" + (regenerations == 1 ? "" : "s")
        if spendUSD > 0 { text += String(format: "; QA spend $%.3f", spendUSD) }
        return text
    }
}

extension QAKitSummary {
    /// The summary back from the manifest's top-level `qa` object (`jsonValue`), for reports that only
    /// hold the manifest (the gallery); nil when it is not such an object.
    public init?(json: JSONValue) {
        func number(_ value: JSONValue?) -> Double? {
            if case .number(let d, _)? = value { return d }
            return nil
        }
        guard case .object(let members)? = json["counts"], let regenerations = number(json["regenerations"]) else { return nil }
        var counts: [QAVerdict: Int] = [:]
        for (key, value) in members {
            guard let verdict = QAVerdict(rawValue: key), let count = number(value) else { return nil }
            counts[verdict] = Int(count)
        }
        var mode: String?
        if case .string(let text)? = json["identity_mode"] { mode = text }
        self.init(counts: counts, regenerations: Int(regenerations), spendUSD: number(json["spend_usd"]) ?? 0, identityMode: mode)
    }
}
