import RefkitCore

extension ManifestDocument {
    /// The manifest of a kit reported by `report`: stages and candidates with their history, the
    /// locked reference (the avatar, once made), the totals (replaced results' cost included) and
    /// what the kit's stages are conditioned on.
    public static func make(
        report: KitReport, status: KitStatus, character: ManifestCharacter, source: ManifestSource?, updatedAt: String,
        refkitVersion: String
    ) -> ManifestDocument {
        let history = Dictionary(grouping: report.history, by: \.stage)
        var images: [ManifestImage] = []
        var candidates: [ManifestImage] = []
        for s in report.stages {
            let file = s.file
            var image = ManifestImage(
                stage: s.stage.name, status: s.status, file: file, sha256: file == nil ? nil : s.sha256, mime: file == nil ? nil : s.mime,
                width: file == nil ? nil : s.width, height: file == nil ? nil : s.height, provider: s.provider, model: s.model,
                prompt: s.prompt, seed: s.seed, attempts: s.attempts, durationMs: s.durationMs, costUSD: s.costUSD,
                error: s.errorCode.map { ManifestImage.Failure(code: $0, message: s.errorMessage ?? "") })
            image.previous = s.previousFile.map { ManifestImage.Previous(file: $0, sha256: s.previousSHA256) }
            image.referenceGeneration = s.referenceGeneration
            image.madeFromEarlierReference = s.madeFromEarlierReference
            image.qa = s.qa
            image.inputs = s.inputs
            image.negativePrompt = s.negativePrompt
            image.history = (history[s.stage] ?? []).map {
                ManifestImage.HistoryEntry(
                    generation: $0.generation, status: $0.status, sha256: $0.sha256, provider: $0.provider, model: $0.model, seed: $0.seed,
                    attempts: $0.attempts, costUSD: $0.costUSD,
                    error: $0.errorCode.map { code in ManifestImage.Failure(code: code, message: "") },
                    endedAt: $0.endedAt, replacedAt: $0.replacedAt)
            }
            if s.stage.isCandidate { candidates.append(image) } else { images.append(image) }
        }
        let locked = images.first { $0.stage == Stage.avatar.name && $0.file != nil }.map {
            LockedReference(
                file: $0.file!, how: report.lockedHow ?? "auto: the only avatar candidate", generation: max(report.referenceGeneration, 1))
        }
        let historyCost = report.history.reduce(0) { $0 + $1.costUSD }
        let totals = ManifestTotals(
            costUSD: (images + candidates).reduce(historyCost) { $0 + $1.costUSD },
            durationMs: (images + candidates).reduce(0) { $0 + $1.durationMs })
        var manifest = ManifestDocument(
            id: report.id, kit: report.name, status: status, createdAt: report.createdAt, updatedAt: updatedAt,
            refkitVersion: refkitVersion,
            source: source, character: character, lockedReference: locked, stages: images, candidates: candidates, totals: totals)
        manifest.qa = report.qa
        if let locked {
            manifest.conditioning = source == nil ? "locked reference \(locked.file)" : "source and locked reference \(locked.file)"
        } else if source != nil {
            manifest.conditioning = "source only: the kit has no locked avatar reference, so every stage is made from the source"
        } else {
            manifest.conditioning = "text only: no source image and no locked reference"
        }
        return manifest
    }
}

extension ManifestCharacter {
    /// The character the order gave, with what the analyzer found added (`Order.Character.merging`),
    /// each attribute marked given or analyzed.
    public init(given: Order.Character, analysis: JSONValue?) {
        let facts = analysis.map { given.merging(analyzed: $0) } ?? given
        self.init(
            name: facts.name, description: facts.description,
            attributes: facts.attributes.enumerated().map { i, attribute in
                ManifestAttribute(key: attribute.key, value: attribute.value, origin: i < given.attributes.count ? .given : .analyzed)
            })
    }
}
