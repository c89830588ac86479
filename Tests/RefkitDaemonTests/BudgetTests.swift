import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// Kits made through a priced Gemini provider (its fake answers each request after a delay, so
/// the stages after the avatar are in flight together) against small budgets.
struct BudgetRig {
    static let price = 0.05

    let fake: FakeGemini
    let daemon: Daemon
    let summary: Daemon.Summary
    let log: CapturedLog

    /// `kits` sources (each with its sidecar order when given) in one watch with `watchKeys`;
    /// `tables` are more configuration (FAKE_BASE_URL stands for the fake's URL); `answers`, the
    /// fake's answers in order (default: images).
    static func run(
        _ label: String, kits: [(name: String, order: String?)], watchKeys: String = "", sameBytes: Bool = false, tables: String = "",
        answers: [FakeGemini.Behaviour]? = nil
    ) async throws -> BudgetRig {
        let dir = try TemporaryDirectory(label)
        let inbox = try dir.folder("inbox")
        let secret = "AIzaBudgetSecret-\(label)"
        let fake = try await FakeGemini.start(apiKey: secret)
        // An image waits long enough for its order even on a loaded machine; alone, not longer than needed.
        let sidecarWait = kits.contains { $0.order != nil } ? 3000 : 300
        for answer in answers ?? Array(repeating: .delayed(.milliseconds(150), .image()), count: kits.count * 8) { fake.enqueue(answer) }
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [limits]
            concurrency = 16
            [providers.gemini]
            base_url = "\(fake.baseURL)"
            api_key_file = "key.txt"
            price_per_image_usd = \(price)
            concurrency = 16
            requests_per_minute = 100000
            \(tables.replacingOccurrences(of: "FAKE_BASE_URL", with: fake.baseURL))
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = \(sidecarWait)
            \(watchKeys)
              [watch.default_order]
              stages = "turnaround"
              provider = "gemini"
            """, in: dir)
        for (index, kit) in kits.enumerated() {
            if let order = kit.order { try FileFixtures.write(order, to: "\(inbox)/\(kit.name).json") }
            let image = try ImageFixtures.jpeg(seed: 500 + UInt64(sameBytes ? 0 : index), width: 120, height: 160)
            try FileFixtures.write(image, to: "\(inbox)/\(kit.name).jpg")
        }
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger)
        let summary = try await daemon.run(.once)
        await fake.stop()
        return BudgetRig(fake: fake, daemon: daemon, summary: summary, log: log)
    }

    func stages(_ kit: String) throws -> [StageRecord] {
        guard let record = try daemon.database.kit(kit) else { throw FixtureError("no kit \(kit)") }
        return try daemon.database.stages(kitID: record.id)
    }

    /// Money recorded on the kits' stages (every call here succeeds, so this is all that was paid).
    func recordedSpend() throws -> Double {
        try daemon.database.kits().map { kit in try daemon.database.stages(kitID: kit.id).reduce(0) { $0 + $1.costUSD } }.reduce(0, +)
    }
}

@Suite("Budgets are hard ceilings under concurrency", .timeLimit(.minutes(2)))
struct BudgetTests {
    /// The issue's order: five images at $0.05 against $0.12 made all five ($0.25). Two fit.
    @Test func anOrdersBudgetHoldsWhileItsStagesRunTogether() async throws {
        let rig = try await BudgetRig.run("budget-order", kits: [("nia", #"{"stages": "turnaround", "budget_usd": 0.12}"#)])
        #expect(rig.fake.callCount == 2, "\(rig.log.text.suffix(3000))")
        #expect(abs(try rig.recordedSpend() - 0.10) < 1e-9)
        let stages = try rig.stages("nia")
        #expect(stages.filter { $0.status == .done }.count == 2)
        #expect(stages.filter { $0.errorCode == "budget_kit_exceeded" }.count == 3)
        let kit = try #require(try rig.daemon.database.kit("nia"))
        #expect(try rig.daemon.database.kitCost(kitID: kit.id) <= 0.12 + 1e-9)
        #expect(rig.summary.kits[.partial] == 1)
    }

    /// `max_cost_per_kit_usd` holds for every kit, each racing its own stages.
    @Test func theWatchsPerKitCapHoldsForEveryKit() async throws {
        let rig = try await BudgetRig.run(
            "budget-kit", kits: [("ada", nil), ("bo", nil), ("cy", nil)], watchKeys: "max_cost_per_kit_usd = 0.12")
        #expect(rig.fake.callCount == 6, "\(rig.log.text.suffix(3000))")
        for kit in ["ada", "bo", "cy"] {
            let stages = try rig.stages(kit)
            #expect(stages.reduce(0) { $0 + $1.costUSD } <= 0.12 + 1e-9, "\(kit)")
            #expect(stages.filter { $0.errorCode == "budget_kit_exceeded" }.count == 3, "\(kit)")
        }
    }

    /// `max_cost_per_day_usd` (what protects an unattended nightly batch) holds across kits
    /// whose stages all race for the last dollars of the day.
    @Test func theDailyCapHoldsAcrossKitsRacing() async throws {
        let rig = try await BudgetRig.run(
            "budget-day", kits: [("dee", nil), ("eli", nil), ("fay", nil), ("gus", nil)], watchKeys: "max_cost_per_day_usd = 0.32")
        #expect(rig.fake.callCount == 6, "\(rig.log.text.suffix(3000))")
        #expect(abs(try rig.recordedSpend() - 0.30) < 1e-9)
        #expect(try rig.daemon.database.spendToday(watch: "w") <= 0.32 + 1e-9)
        let refused = try rig.daemon.database.kits().flatMap { try rig.daemon.database.stages(kitID: $0.id) }
            .filter { $0.errorCode == "budget_day_exceeded" }
        #expect(!refused.isEmpty)
    }

    /// `photo.jpg` and `photo (2).jpg` (a browser's second download), the same bytes and no
    /// sidecar: one kit, paid once; the second is a duplicate that `refkit status` counts and
    /// the log points at the kit.
    @Test func theSameBytesUnderAnotherNameArePaidOnce() async throws {
        let rig = try await BudgetRig.run("same-bytes", kits: [("photo", nil), ("photo (2)", nil)], sameBytes: true)
        #expect(rig.fake.callCount == 5, "\(rig.log.text.suffix(3000))")
        let kits = try rig.daemon.database.kits()
        #expect(kits.count == 1)
        #expect(rig.summary.duplicates == 1)
        #expect(try rig.daemon.database.statusSummary().claimsByState["duplicate"] == 1)
        let kit = try #require(kits.first)
        let line = try #require(rig.log.all.first { $0.contains("duplicate source") }, "\(rig.log.text.suffix(3000))")
        #expect(line.contains("kit=\(kit.name)") && line.contains("kit.id=\(kit.id)"), "\(line)")
    }

    /// The analyzer's calls have a price too (`[analyzer] price_per_call_usd`): describing the
    /// source takes its share of the kit's budget before the images do.
    @Test func theAnalyzersPriceCountsAgainstTheKitsBudget() async throws {
        // The rig's key file holds "AIzaBudgetSecret-LABEL"; the analyzer is given the same.
        let analyzer = try await FakeAnalyzer.start(key: "AIzaBudgetSecret-budget-analyzer")
        let rig = try await BudgetRig.run(
            "budget-analyzer", kits: [("ivo", #"{"stages": ["avatar", "front"], "analyze": true, "budget_usd": 0.12}"#)],
            tables: """
                [analyzer]
                base_url = "\(analyzer.baseURL)"
                api_key_file = "key.txt"
                price_per_call_usd = 0.05
                """)
        await analyzer.stop()
        #expect(analyzer.callCount == 1)
        #expect(rig.fake.callCount == 1, "the analysis and the avatar fit 0.12; the front would pass it: \(rig.log.text.suffix(3000))")
        let kit = try #require(try rig.daemon.database.kit("ivo"))
        #expect(abs(try rig.daemon.database.kitCost(kitID: kit.id) - 0.10) < 1e-9)
        #expect(try rig.stages("ivo").first { $0.stage == .front }?.errorCode == "budget_kit_exceeded")
    }

    /// A fallback provider's call is reserved like the first one's: blocked (unpaid) calls
    /// release their price, and the fallbacks racing for it stay within the order's budget.
    @Test func fallbackCallsStayWithinTheBudget() async throws {
        let slow = { (answer: FakeGemini.Behaviour) in FakeGemini.Behaviour.delayed(.milliseconds(150), answer) }
        let answers =
            [slow(.image())] + Array(repeating: slow(.promptBlocked(reason: "SAFETY")), count: 4)
            + Array(repeating: slow(.image()), count: 8)
        let rig = try await BudgetRig.run(
            "budget-fallback", kits: [("kai", #"{"stages": "turnaround", "budget_usd": 0.22, "fallback_provider": "backup"}"#)],
            tables: """
                [providers.backup]
                kind = "gemini"
                base_url = "FAKE_BASE_URL"
                api_key_file = "key.txt"
                price_per_image_usd = \(BudgetRig.price)
                requests_per_minute = 100000
                """, answers: answers)
        let made = try rig.stages("kai").filter { $0.status == .done }
        #expect(made.contains { $0.provider == "backup" }, "a fallback made a stage: \(rig.log.text.suffix(3000))")
        #expect(try rig.recordedSpend() <= 0.22 + 1e-9)
        #expect(abs(try rig.recordedSpend() - Double(made.count) * BudgetRig.price) < 1e-9)
        let kit = try #require(try rig.daemon.database.kit("kai"))
        #expect(try rig.daemon.database.kitCost(kitID: kit.id) <= 0.22 + 1e-9)
    }
}
