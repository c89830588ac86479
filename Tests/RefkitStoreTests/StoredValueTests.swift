import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// Records carry `Stage`, `StageDependency` and `ImageFormat`; the database keeps their wire
/// names (`half_body`, `candidate:3`, `image/webp`), and text it cannot read is a named error.
@Suite("Store: typed values at the store's edge", .timeLimit(.minutes(1)))
struct StoredValueTests {
    /// One of every kind of stage, with every kind of dependency.
    static let steps: [KitPlan.Step] =
        Stage.views.map { KitPlan.Step(stage: $0, dependsOn: $0 == .avatar ? nil : .avatar) }
        + (1...Stage.maxCandidates).map { KitPlan.Step(stage: .candidate($0), dependsOn: nil) }
        + [
            KitPlan.Step(stage: .expression("smile"), dependsOn: .avatar),
            KitPlan.Step(stage: .character("ana"), dependsOn: nil),
            KitPlan.Step(stage: .scene("beach"), dependsOn: .character("ana")),
            KitPlan.Step(stage: .swap("poster-2"), dependsOn: .avatar),
        ]

    func kit(_ store: StoreFixture, steps: [KitPlan.Step] = Self.steps) throws -> String {
        guard case .claimed(let claim) = try store.database.claim(StoreFixture.file()) else { throw FixtureError("not claimable") }
        let outcome = try store.database.accept(
            claims: [claim], watch: "manual", kitName: "mira", priority: 0, source: StoreFixture.source(), order: StoreFixture.order,
            plan: KitPlan(steps: steps))
        guard case .newKit(let kitID, _) = outcome else { throw FixtureError("no kit: \(outcome)") }
        return kitID
    }

    func count(_ store: StoreFixture, _ condition: String) throws -> Int {
        try store.database.scalar("SELECT count(*) FROM stages WHERE \(condition)")
    }

    @Test("every stage and dependency is stored under its name and read back as itself")
    func stagesRoundTrip() throws {
        let store = try StoreFixture()
        let kitID = try kit(store)
        let records = try store.database.stages(kitID: kitID)
        #expect(records.map(\.stage) == Self.steps.map(\.stage))
        #expect(records.map(\.dependsOn) == Self.steps.map(\.dependency))
        for step in Self.steps {
            let dependsOn = step.dependency.map { "depends_on = '\($0.name)'" } ?? "depends_on IS NULL"
            #expect(try count(store, "stage = '\(step.stage.name)' AND \(dependsOn)") == 1, "\(step.stage)")
        }
        #expect(try count(store, "stage IN ('half_body', 'candidate:8', 'expression:smile', 'swap:poster-2')") == 4)
        let runnable = try store.database.runnableStages(watch: "manual", excluding: [], limit: 100)
        #expect(Set(runnable.map(\.stage)) == Set(Self.steps.filter { $0.dependsOn == nil }.map(\.stage)))
    }

    @Test("the avatar chosen among candidates waits for them all, stored as `candidates`")
    func allCandidatesRoundTrip() throws {
        let store = try StoreFixture()
        let plan = KitPlan.plan(for: Order(candidates: 3, provider: "preview"))
        let kitID = try kit(store, steps: plan.steps)
        let avatar = try #require(try store.database.stages(kitID: kitID).first { $0.stage == .avatar })
        #expect(avatar.dependsOn == .allCandidates)
        #expect(try count(store, "stage = 'avatar' AND depends_on = 'candidates'") == 1)
    }

    @Test("an image's format is stored as its MIME type and read back, for each format")
    func formatsRoundTrip() throws {
        let store = try StoreFixture()
        let formats = ImageFormat.allCases
        let steps = (1...formats.count).map { KitPlan.Step(stage: .candidate($0), dependsOn: nil) }
        let kitID = try kit(store, steps: steps)
        for (record, format) in zip(try store.database.stages(kitID: kitID), formats) {
            try store.database.startStage(id: record.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
            try store.database.completeStage(
                id: record.id, kitID: kitID, stage: record.stage, file: "work/\(record.stage).\(format.fileExtension)",
                sha256: String(repeating: "a", count: 64), format: format, width: 8, height: 8, model: "m", costUSD: 0,
                durationMs: 1, locksReference: false)
        }
        #expect(try store.database.stages(kitID: kitID).map(\.format) == formats)
        for (n, format) in formats.enumerated() {
            #expect(try count(store, "stage = 'candidate:\(n + 1)' AND mime = '\(format.mime)'") == 1)
        }
        // Made again: the replaced result keeps its format in the history.
        try store.database.regenerate(kit: kitID, stages: [.candidate(2)])
        let history = try store.database.stageHistory(kitID: kitID)
        #expect(history.map(\.stage) == [.candidate(2)])
        #expect(history.map(\.format) == [formats[1]])
        let source = try #require(try store.database.source(sha256: StoreFixture.source().sha256))
        #expect(source.format == .jpeg)
        #expect(try store.database.scalar("SELECT count(*) FROM sources WHERE mime = 'image/jpeg'") == 1)
    }

    @Test("a stored stage name this version does not know is `database_unknown_value`, naming the column and the text")
    func unknownStageName() throws {
        let store = try StoreFixture()
        let kitID = try kit(store)
        // Runnable (nothing to wait for), so the dispatcher's read meets it too.
        try store.database.execute(
            "UPDATE stages SET stage = 'sparkle:one', depends_on = NULL WHERE kit_id = '\(kitID)' AND stage = 'side'")
        let unknown = RefkitError(
            .databaseUnknownValue, "the state database holds a value this version of refkit does not know",
            detail: #"stages.stage: "sparkle:one""#)
        #expect(throws: unknown) { try store.database.stages(kitID: kitID) }
        #expect(throws: unknown) { try store.database.runnableStages(watch: "manual", excluding: [], limit: 100) }
        #expect(throws: unknown) { try store.database.regenerate(kit: kitID, stages: [.front]) }
        #expect(throws: unknown) { try store.database.stageContext(stageID: 1, kitID: kitID) }
    }

    @Test("an unknown dependency or image format is the same named error")
    func unknownOtherValues() throws {
        let cases: [(sql: String, detail: String)] = [
            ("UPDATE stages SET depends_on = 'nothing' WHERE stage = 'front'", #"stages.depends_on: "nothing""#),
            ("UPDATE stages SET mime = 'image/bmp' WHERE stage = 'front'", #"stages.mime: "image/bmp""#),
        ]
        for (sql, detail) in cases {
            let store = try StoreFixture()
            let kitID = try kit(store)
            try store.database.execute(sql)
            #expect(throws: RefkitError.self, "\(sql)") {
                do {
                    _ = try store.database.stages(kitID: kitID)
                } catch let error as RefkitError {
                    #expect(error.code == .databaseUnknownValue)
                    #expect(error.detail == detail)
                    throw error
                }
            }
        }
        let store = try StoreFixture()
        _ = try kit(store)
        try store.database.execute("UPDATE sources SET mime = 'image/bmp'")
        #expect(throws: RefkitError.self) { try store.database.source(sha256: StoreFixture.source().sha256) }
    }

    @Test("event types are written as the strings the log always held")
    func eventTypesOnDisk() throws {
        let store = try StoreFixture()
        let kitID = try kit(store, steps: [KitPlan.Step(stage: .avatar, dependsOn: nil)])
        let avatar = try #require(try store.database.stages(kitID: kitID).first)
        try store.database.startStage(id: avatar.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
        try store.database.failStage(id: avatar.id, kitID: kitID, stage: .avatar, code: "x", message: "no", durationMs: 1, failsKit: true)
        try store.database.finishKit(id: kitID, status: .failed, outboxDir: nil, errorCode: "x", errorMessage: "no")
        #expect(try store.database.events(kitID: kitID).map(\.type) == ["accepted", "stage_failed", "kit_failed"])
        #expect(try store.database.events(kitID: kitID).map(\.subject) == ["mira.jpg", "avatar", nil])
        #expect(EventType.kitFinished(.awaitingSelection).rawValue == "kit_awaiting_selection")
    }
}
