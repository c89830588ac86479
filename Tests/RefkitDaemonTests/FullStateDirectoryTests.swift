import Foundation
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitProviders
import RefkitStore
import RefkitSystem
import RefkitTestSupport
import Synchronization
import Testing

/// A provider whose answers wait until the test opens the gate: the test changes the world
/// (fills a disk) between a paid call's start and its result.
final class GatedProvider: ImageProvider, Sendable {
    let name = "gated"
    private let state = Mutex<(calls: Int, open: Bool, waiters: [CheckedContinuation<Void, Never>])>((0, false, []))
    private let image: [UInt8]

    init() throws { image = try ImageOps.synthesize(width: 32, height: 32, seed: 4, format: "png") }

    var calls: Int { state.withLock { $0.calls } }

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                s.calls += 1
                if !s.open { s.waiters.append(c) }
                return s.open
            }
            if now { c.resume() }
        }
        return GeneratedImage(bytes: image, mime: "image/png", width: 32, height: 32, model: "gated-1", costUSD: 0.04)
    }
}

@Suite("A full state directory", .serialized, .timeLimit(.minutes(2)))
struct FullStateDirectoryTests {
    /// The state directory fills while a paid call is out: its result waits in memory (the stage
    /// stays running, nothing fails, no new call is made) and is stored once space is freed.
    @Test func aPaidResultWaitsForSpaceAndIsStoredWhenSpaceReturns() async throws {
        let dir = try TemporaryDirectory("state-full")
        let inbox = try dir.folder("inbox")
        let state = try TinyFilesystem(at: dir.url("state"), size: "8m")
        defer { state.unmount() }
        let configuration = try spaceFaultConfiguration(in: dir, provider: "gated")
        let provider = try GatedProvider()
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger, providers: ["gated": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 71, width: 160, height: 200), to: "\(inbox)/sf.jpg")
        let database = daemon.database

        try await eventually("the avatar's paid call to be out") { provider.calls == 1 }
        try state.fill("filler", leaving: 0)
        provider.open()
        let kit = try #require(try database.kits().first)
        // Waiting (the log says so) or, as before the fix, failed with disk_full.
        try await eventually("the paid result to wait for space") {
            try log.all.contains { $0.contains("the result waits in memory") && $0.contains("what=a paid result") }
                || database.stages(kitID: kit.id).contains { $0.stage == .avatar && $0.status != .running }
        }
        let avatar = try #require(try database.stages(kitID: kit.id).first { $0.stage == .avatar })
        #expect(avatar.status == .running, "the paid avatar is \(avatar.status.rawValue), not waiting")
        #expect(try database.kit(kit.id)?.status != .failed)
        #expect(provider.calls == 1, "a new stage was bought while a result could not be stored")

        try FileManager.default.removeItem(atPath: "\(state.path)/filler")
        try await eventually("the kit to complete once space is freed", timeout: .seconds(20)) {
            try database.kit(kit.id)?.status == .complete
        }
        #expect(try database.stages(kitID: kit.id).allSatisfy { $0.status == .done })
        #expect(provider.calls == 2, "the paid avatar was bought again")
        try await running.stop()
    }
}
