import RefkitCore
import RefkitDigest
import RefkitStore
import RefkitTestSupport
import Synchronization

/// A real state database in a temporary folder with kits made through the store calls the
/// daemon makes (claim, accept, start, complete, fail, finish), for the pages' tests.
struct PageFixture {
    let directory: TemporaryDirectory
    let database: RefkitDatabase
    private static let inodes = InodeCounter()

    init() throws {
        directory = try TemporaryDirectory("web-pages")
        database = try RefkitDatabase(path: directory.url("refkit.sqlite"))
    }

    /// A new kit named `name` in `watch` asking for `stages` (and `candidates`, chosen by hand).
    @discardableResult
    func kit(
        _ name: String, watch: String = "manual", stages: [Stage] = [.avatar, .front, .side], candidates: Int? = nil
    ) throws -> String {
        let inode = Self.inodes.next()
        let file = FileIdentity(watch: watch, path: "\(inode).jpg", device: 1, inode: inode, size: 10, mtimeNanos: 1)
        guard case .claimed(let claim) = try database.claim(file) else { throw FixtureError("not claimable") }
        let sha = SHA256Digest.hex(of: Array("source \(inode)".utf8))
        let source = NewSource(
            sha256: sha, format: .jpeg, width: 64, height: 48, bytes: 10, storedPath: "originals/\(sha).jpg", originalName: "\(name).jpg")
        var order = Order(stages: .list(stages), candidates: candidates, selection: candidates == nil ? nil : .manual, provider: "preview")
        order.kit = name
        let outcome = try database.accept(
            claims: [claim], watch: watch, kitName: name, priority: 10, source: source,
            order: NewOrder(origin: .sidecar, json: "{}", fileName: nil), plan: KitPlan.plan(for: order))
        guard case .newKit(let id, _) = outcome else { throw FixtureError("not a new kit: \(outcome)") }
        return id
    }

    func stage(_ kitID: String, _ stage: Stage) throws -> StageRecord {
        guard let record = try database.stages(kitID: kitID).first(where: { $0.stage == stage }) else {
            throw FixtureError("\(kitID) has no \(stage)")
        }
        return record
    }

    /// Runs `stage` to done with an image whose sha256 is derived from `content`.
    @discardableResult
    func make(
        _ kitID: String, _ stage: Stage, content: String = "image", prompt: String = "a portrait", cost: Double = 0.04
    ) throws
        -> String
    {
        let record = try self.stage(kitID, stage)
        try database.startStage(id: record.id, kitID: kitID, provider: "preview", model: "preview-1", prompt: prompt, seed: 7)
        let sha = SHA256Digest.hex(of: Array("\(kitID) \(stage) \(content)".utf8))
        try database.completeStage(
            id: record.id, kitID: kitID, stage: stage, file: "work/\(kitID)/\(stage.name).png", sha256: sha, format: .png, width: 8,
            height: 8, model: "preview-1", costUSD: cost, durationMs: 5, locksReference: stage == .avatar)
        return sha
    }

    func fail(_ kitID: String, _ stage: Stage, message: String = "the provider said no") throws {
        let record = try self.stage(kitID, stage)
        try database.startStage(id: record.id, kitID: kitID, provider: "preview", model: nil, prompt: "p", seed: 1)
        try database.failStage(
            id: record.id, kitID: kitID, stage: stage, code: "provider_refused", message: message, durationMs: 1, failsKit: false)
    }

    /// Finishes a kit as published into `outbox/FOLDER` (its manifest written there).
    func finish(_ kitID: String, _ status: KitStatus, folder: String) throws {
        let dir = try writeManifest(kitID, folder: folder)
        guard try database.finishKit(id: kitID, status: status, outboxDir: dir, errorCode: nil, errorMessage: nil)
        else { throw FixtureError("\(kitID) could not finish") }
    }

    /// Publishes a kit without finishing it (a kit awaiting selection).
    func publish(_ kitID: String, folder: String) throws {
        try database.setOutboxDir(kitID: kitID, dir: try writeManifest(kitID, folder: folder))
    }

    /// `outbox/FOLDER/manifest.json` naming the kit's done stages as the publisher names them.
    func writeManifest(_ kitID: String, folder: String) throws -> String {
        let dir = try directory.folder("outbox/\(folder)")
        let stages = try database.stages(kitID: kitID)
        func entries(_ candidates: Bool) -> JSONValue {
            .array(
                stages.filter { $0.stage.isCandidate == candidates }.map { stage in
                    .object([
                        ("stage", .string(stage.stage.name)), ("status", .string(stage.status.rawValue)),
                        ("file", stage.status == .done ? .optional(stage.file.map { stage.stage.publishedFileName(workFile: $0) }) : .null),
                        ("sha256", stage.status == .done ? .optional(stage.sha256) : .null),
                    ])
                })
        }
        let manifest = JSONValue.object([
            ("schema", .string("refkit.manifest/1")), ("id", .string(kitID)), ("source", .object([("file", .string("source.jpg"))])),
            ("stages", entries(false)), ("candidates", entries(true)),
        ])
        try FileFixtures.write(manifest.serialized, to: dir + "/manifest.json")
        return dir
    }
}

/// Distinct inodes across fixtures, so every drop is a new file.
final class InodeCounter: Sendable {
    private let value = Mutex<UInt64>(1000)
    func next() -> UInt64 {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
