import Foundation
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitProviders
import RefkitStore
import RefkitTestSupport
import Synchronization
import Testing

/// Its first call answers only after `timeout_s` (the provider may well bill it: the request
/// reached it); later calls answer at once.
final class SlowFirstProvider: ImageProvider, Sendable {
    let name = "slowfirst"
    private let calls = Mutex(0)
    private let image: [UInt8]

    init() throws { image = try ImageOps.synthesize(width: 32, height: 32, seed: 5, format: "png") }

    var callCount: Int { calls.withLock { $0 } }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        let n = calls.withLock { c -> Int in
            c += 1
            return c
        }
        if n == 1 { try? await Task.sleep(for: .seconds(4)) }
        return GeneratedImage(bytes: image, mime: "image/png", width: 32, height: 32, model: "slow-1", costUSD: 0.05)
    }
}

/// A call that timed out is not known to be free: the provider got the request and may have
/// made (and billed) the image after refkit stopped waiting. Its price stays counted, and a
/// retry is a new paid call that must fit the budget like any other.
@Suite("Budgets and timed-out calls", .timeLimit(.minutes(1)))
struct TimedOutCallBudgetTests {
    @Test func aRetryAfterATimeoutMustFitTheBudgetAgain() async throws {
        let dir = try TemporaryDirectory("timeout-budget")
        let inbox = try dir.folder("inbox")
        let provider = try SlowFirstProvider()
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [retry]
            attempts = 3
            base_delay_ms = 10
            max_delay_ms = 20
            [providers.slowfirst]
            kind = "preview"
            timeout_s = 1
            price_per_image_usd = 0.05
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 0
            max_cost_per_kit_usd = 0.05
              [watch.default_order]
              stages = ["avatar"]
              provider = "slowfirst"
            """, in: dir)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["slowfirst": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 9), to: "\(inbox)/slow.jpg")
        let database = daemon.database
        try await eventually("the kit to end", timeout: .seconds(30)) {
            try database.kits().first.map { $0.status.isFinished } ?? false
        }
        try await running.stop()
        let kit = try #require(try database.kits().first)
        #expect(provider.callCount == 1, "a second paid call was made with the first one's price released: \(provider.callCount) calls")
        let avatar = try #require(try database.stages(kitID: kit.id).first)
        #expect(avatar.errorCode == "budget_kit_exceeded", "\(avatar.status.rawValue) \(avatar.errorCode ?? "")")
        #expect(abs(try database.kitCost(kitID: kit.id) - 0.05) < 1e-9, "the timed-out call is counted")
    }
}
