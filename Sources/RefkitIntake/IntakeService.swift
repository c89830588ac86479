import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitWatch

/// Takes settled inbox entries in: claims each once, judges it, pairs images with sidecar
/// orders (in either order of arrival, with timeouts), records accepted drops in the store with
/// their originals in the state directory, and moves everything else to `rejected/`.
///
/// Crash safety: the original is stored (fsynced) before the database records it, and the
/// inbox entry is unlinked only after that commit; at every moment a file is either still in
/// the inbox or recorded with its original safe.
public actor IntakeService {
    /// Intake blocks its thread (reading files, libmagic, strict decodes, fsyncs, SQLite
    /// writes), so it runs on its own serial queue, never on one of Swift's cooperative
    /// threads (two on this machine), where it would stall every other task.
    private let executor = QueueExecutor(label: "refkit.intake")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    struct Pending {
        var entry: InboxEntry
        var claimID: Int64
        var deadline: ContinuousClock.Instant
        var firstDeadline: ContinuousClock.Instant
    }
    struct PendingImage {
        var base: Pending
        var facts: SourceFacts
        var bytes: [UInt8]
    }
    struct PendingOrder {
        var base: Pending
        var order: Order
        var text: [UInt8]
    }

    let watches: [String: Configuration.Watch]
    private let configuration: Configuration
    let database: RefkitDatabase
    private let inspector: Inspector
    private let originals: OriginalStore
    /// The most a rejected file is copied when `rejected/` is on another file system.
    let maxCopyBytes: Int64
    let logger: Logger
    private let onKitQueued: @Sendable (String) -> Void

    private var images: [String: PendingImage] = [:]  // by "watch/pairingKey"
    private var orders: [String: PendingOrder] = [:]
    /// Partners rejected with no counterpart waiting, remembered for as long as that
    /// counterpart would have waited, so a late image (or order) is judged the same way as
    /// one that arrived first: never taken with the default order in place of a bad sidecar.
    private var rejectedPartners: [String: RejectedPartner] = [:]
    struct RejectedPartner {
        var isOrder: Bool
        var fileName: String
        var code: String
        var until: ContinuousClock.Instant
    }
    private var inFlight = 0
    private var sleeper: Task<Void, Never>?

    /// Counts since start, for status and tests.
    public private(set) var accepted = 0
    public internal(set) var rejected = 0
    public private(set) var duplicates = 0

    public init(
        configuration: Configuration, database: RefkitDatabase, logger: Logger, onKitQueued: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(RefkitError) {
        self.watches = Dictionary(uniqueKeysWithValues: configuration.watches.map { ($0.name, $0) })
        self.configuration = configuration
        self.database = database
        self.inspector = try Inspector(
            limits: IntakeLimits(configuration.limits))
        self.originals = OriginalStore(stateDir: configuration.stateDir)
        self.maxCopyBytes = Int64(configuration.limits.maxSourceBytes)
        self.logger = logger
        self.onKitQueued = onKitQueued
    }

    /// Nothing waiting for a partner and nothing being handled.
    public var isIdle: Bool { images.isEmpty && orders.isEmpty && inFlight == 0 }

    public var pendingCount: Int { images.count + orders.count }

    /// Stops the pairing timer (pending pairs stay claimed in memory only; their files are
    /// still in the inbox and are taken again at the next start).
    public func shutdown() {
        sleeper?.cancel()
        sleeper = nil
    }

    /// Handles one settled entry.
    public func handle(_ entry: InboxEntry) {
        guard let watch = watches[entry.watch] else { return }
        inFlight += 1
        defer { inFlight -= 1 }
        let identity = FileIdentity(
            watch: entry.watch, path: entry.relativePath, device: entry.device, inode: entry.inode, size: entry.size, mtimeNanos: entry.mtimeNanos)
        let claimID: Int64
        do {
            switch try database.claim(identity) {
            case .claimed(let id):
                claimID = id
            case .alreadyClaimed(_, let state):
                finishEarlierIntake(entry, state: state, watch: watch)
                return
            }
        } catch {
            logger.error("cannot claim an inbox file", metadata: ["watch": "\(entry.watch)", "file": "\(entry.relativePath)", "error": "\(error)"])
            return
        }

        var verdict = inspector.inspect(entry)
        // An order the configured providers cannot make is refused now, with its image, rather
        // than queued as a kit whose every stage would fail.
        if case .order(let order, _) = verdict,
            let problem = configuration.providerProblem(for: order, watch: watch.name, database: database)
        {
            verdict = .rejected(problem)
        }
        let key = "\(entry.watch)/\(entry.pairingKey)"
        let now = ContinuousClock.now
        rejectedPartners = rejectedPartners.filter { $0.value.until > now }
        if case .changed = verdict {} else { dropSuperseded(by: entry, key: key) }
        switch verdict {
        case .changed:
            try? database.releaseClaim(id: claimID)
        case .rejected(let error):
            reject(entry, claimID: claimID, error, watch: watch)
            if entry.looksLikeOrder, let image = images.removeValue(forKey: key) {
                reject(image.base.entry, claimID: image.base.claimID, RefkitError("source_sidecar_invalid", "the image's sidecar order was rejected", detail: "\(entry.fileName): \(error.code)"), watch: watch)
            } else if !entry.looksLikeOrder, let order = orders.removeValue(forKey: key) {
                reject(order.base.entry, claimID: order.base.claimID, RefkitError("order_image_rejected", "the order's image was rejected", detail: "\(entry.fileName): \(error.code)"), watch: watch)
            } else {
                let wait = Duration.milliseconds(entry.looksLikeOrder ? watch.imageWaitMs : watch.sidecarWaitMs)
                rejectedPartners[key] = RejectedPartner(isOrder: entry.looksLikeOrder, fileName: entry.fileName, code: error.code, until: now + wait)
            }
        case .image(let facts, let bytes):
            if let partner = rejectedPartners.removeValue(forKey: key), partner.isOrder {
                reject(entry, claimID: claimID, RefkitError("source_sidecar_invalid", "the image's sidecar order was rejected", detail: "\(partner.fileName): \(partner.code)"), watch: watch)
                break
            }
            if let other = images.removeValue(forKey: key) {
                let error = RefkitError("source_ambiguous_stem", "two images share one name stem, so the sidecar cannot be paired", detail: "\(other.base.entry.fileName) and \(entry.fileName)")
                reject(other.base.entry, claimID: other.base.claimID, error, watch: watch)
                reject(entry, claimID: claimID, error, watch: watch)
                if let order = orders.removeValue(forKey: key) {
                    reject(order.base.entry, claimID: order.base.claimID, RefkitError("order_ambiguous_image", "two images share this order's name stem", detail: error.detail), watch: watch)
                }
                break
            }
            if let order = orders.removeValue(forKey: key) {
                acceptDrop(image: (entry, claimID, facts, bytes), order: (order.base.entry, order.base.claimID, order.order, order.text), watch: watch)
            } else {
                let wait = Duration.milliseconds(watch.sidecarWaitMs)
                logger.debug("image waits for its sidecar", metadata: ["watch": "\(watch.name)", "file": "\(entry.relativePath)", "wait_ms": "\(watch.sidecarWaitMs)"])
                images[key] = PendingImage(base: Pending(entry: entry, claimID: claimID, deadline: now + wait, firstDeadline: now + wait), facts: facts, bytes: bytes)
                reschedule()
            }
        case .order(let order, let text):
            if let partner = rejectedPartners.removeValue(forKey: key), !partner.isOrder {
                reject(entry, claimID: claimID, RefkitError("order_image_rejected", "the order's image was rejected", detail: "\(partner.fileName): \(partner.code)"), watch: watch)
                break
            }
            if order.isControl {
                applyControl(order, entry: entry, claimID: claimID, text: text, watch: watch)
            } else if orders[key] != nil {
                // A second sidecar for one stem (e.g. rewritten after being taken): judge it on its own later.
                reject(entry, claimID: claimID, RefkitError("order_duplicate_sidecar", "another order for this name is already waiting", detail: entry.fileName), watch: watch)
            } else if let image = images.removeValue(forKey: key) {
                acceptDrop(image: (image.base.entry, image.base.claimID, image.facts, image.bytes), order: (entry, claimID, order, text), watch: watch)
            } else if order.isTextOnlyPlan {
                acceptDrop(image: nil, order: (entry, claimID, order, text), watch: watch)
            } else {
                // An order naming an existing kit is a follow-up unless its image comes right after it.
                let followUp = order.faceSwap == nil && order.kit.flatMap { try? database.kit(named: $0, watch: watch.name) } != nil
                let wait = Duration.milliseconds(followUp ? min(watch.sidecarWaitMs, watch.imageWaitMs) : watch.imageWaitMs)
                logger.debug("order waits for its image", metadata: ["watch": "\(watch.name)", "file": "\(entry.relativePath)", "wait_ms": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)"])
                orders[key] = PendingOrder(base: Pending(entry: entry, claimID: claimID, deadline: now + wait, firstDeadline: now + wait), order: order, text: text)
                reschedule()
            }
        }
    }

    /// A file whose claim exists: a previous run got as far as the database and stopped
    /// before the inbox entry was removed; finish that step.
    private func finishEarlierIntake(_ entry: InboxEntry, state: ClaimState, watch: Configuration.Watch) {
        switch state {
        case .claimed:
            return  // being handled right now
        case .accepted, .duplicate:
            if unlinkIfUnchanged(entry) {
                logger.info("finished an interrupted intake", metadata: ["watch": "\(entry.watch)", "file": "\(entry.relativePath)"])
            }
        case .rejected:
            // An entry left in the inbox (`Quarantine.Outcome.left`) stays there, recorded once.
            let earlier = RefkitError("source_rejected_earlier", "this file was rejected before", detail: entry.relativePath)
            _ = try? quarantine(watch).reject(entry, earlier)
        }
    }

    /// A waiting image or order whose name now holds a newer file (overwritten or renamed
    /// over while it waited) never existed for refkit: the newer one is judged in its place.
    private func dropSuperseded(by entry: InboxEntry, key: String) {
        let pending: Pending?
        if images[key]?.base.entry.relativePath == entry.relativePath {
            pending = images.removeValue(forKey: key)?.base
        } else if orders[key]?.base.entry.relativePath == entry.relativePath {
            pending = orders.removeValue(forKey: key)?.base
        } else {
            pending = nil
        }
        guard let pending else { return }
        try? database.releaseClaim(id: pending.claimID)
        logger.info(
            "a waiting file was replaced by a newer one, which is taken instead",
            metadata: ["watch": "\(entry.watch)", "file": "\(entry.relativePath)"])
    }

    // MARK: - Timers

    private func reschedule() {
        sleeper?.cancel()
        let all = images.values.map(\.base.deadline) + orders.values.map(\.base.deadline)
        guard let next = all.min() else {
            sleeper = nil
            return
        }
        sleeper = Task { [weak self] in
            try? await Task.sleep(until: next, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.fireDue()
        }
    }

    private func fireDue() {
        let now = ContinuousClock.now
        for (key, image) in images where image.base.deadline <= now {
            guard let watch = watches[image.base.entry.watch] else { continue }
            // A sidecar that exists but has not settled yet is worth waiting for, up to image_wait_ms.
            let sidecar = (image.base.entry.path as NSString).deletingPathExtension + ".json"
            let limit = image.base.firstDeadline + .milliseconds(max(watch.imageWaitMs, watch.settleMs * 3))
            if FileSystem.lstatEntry(sidecar) != nil, now < limit {
                images[key]?.base.deadline = min(limit, now + .milliseconds(max(watch.settleMs, 100)))
                continue
            }
            images.removeValue(forKey: key)
            acceptDrop(image: (image.base.entry, image.base.claimID, image.facts, image.bytes), order: nil, watch: watch)
        }
        for (key, order) in orders where order.base.deadline <= now {
            guard let watch = watches[order.base.entry.watch] else { continue }
            orders.removeValue(forKey: key)
            if let swap = order.order.faceSwap {
                reject(
                    order.base.entry, claimID: order.base.claimID,
                    RefkitError(
                        "order_face_swap_without_image", "the face swap's target image did not arrive",
                        detail: "waited \(watch.imageWaitMs) ms for \(swap.target) (drop it beside \(order.base.entry.fileName), with the same name stem)"),
                    watch: watch)
                continue
            }
            if let name = order.order.kit {
                if let kit = try? database.kit(named: name, watch: watch.name) {
                    acceptFollowUp(order, kit: kit, watch: watch)
                } else {
                    reject(
                        order.base.entry, claimID: order.base.claimID,
                        RefkitError(
                            "order_kit_unknown", "the order names a kit that does not exist, and no image came with it",
                            detail: "no kit \"\(name)\" in watch \(watch.name); waited \(watch.imageWaitMs) ms for \(order.base.entry.stem).{jpg,png,webp,heic,avif}"),
                        watch: watch)
                }
                continue
            }
            reject(
                order.base.entry, claimID: order.base.claimID,
                RefkitError(
                    "order_without_image", "no image arrived for this order",
                    detail: "waited \(watch.imageWaitMs) ms for \(order.base.entry.stem).{jpg,png,webp,heic,avif}; a text-only plan needs \"characters\""),
                watch: watch)
        }
        reschedule()
    }

    // MARK: - Outcomes

    private func reject(_ entry: InboxEntry, claimID: Int64, _ error: RefkitError, watch: Configuration.Watch) {
        let metadata: Logger.Metadata = ["watch": "\(entry.watch)", "file": "\(entry.relativePath)", "code": "\(error.code)"]
        settleRejection(claimID: claimID, watch: entry.watch, subject: entry.relativePath, error, metadata: metadata) {
            try quarantine(watch).reject(entry, error)
        }
    }

    /// Moves a rejected entry with `move` and records the verdict: a file replaced since it was
    /// judged gets no verdict (its claim is released), one that cannot go to `rejected/` is
    /// recorded once and left where it is, a failed move releases the claim so it is judged again.
    func settleRejection(
        claimID: Int64, watch: String, subject: String, _ error: RefkitError, metadata: Logger.Metadata,
        move: () throws -> Quarantine.Outcome
    ) {
        do {
            switch try move() {
            case .changed:
                // Replaced since it was judged: the verdict was about a file that is gone.
                logger.info("a judged file was replaced before its verdict; the new one is judged on its own", metadata: metadata)
                try? database.releaseClaim(id: claimID)
                return
            case .left(let reason):
                logger.warning(
                    "a rejected file cannot go to rejected/ and stays in the inbox, not judged again",
                    metadata: metadata.merging(["why": "\(reason)"]) { $1 })
            case .moved:
                break
            }
            rejected += 1
            let reason: Logger.Metadata = ["reason": "\(error.message)", "detail": "\(error.detail)"]
            logger.warning("rejected an inbox file", metadata: metadata.merging(reason) { $1 })
            try database.recordRejection(claims: [claimID], watch: watch, subject: subject, code: error.code, message: error.message)
        } catch {
            logger.error("cannot move a rejected file", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            try? database.releaseClaim(id: claimID)
        }
    }

    private func acceptDrop(
        image: (entry: InboxEntry, claimID: Int64, facts: SourceFacts, bytes: [UInt8])?,
        order: (entry: InboxEntry, claimID: Int64, order: Order, text: [UInt8])?,
        watch: Configuration.Watch
    ) {
        if let order, let swap = order.order.faceSwap, let image {
            acceptFaceSwap(swap, image: image, order: order, watch: watch)
            return
        }
        let given = order?.order ?? Order()
        let effective = given.overlaying(watch.defaultOrder)
        let stem = image?.entry.stem ?? order?.entry.stem ?? "kit"
        let kitName = given.kit ?? SafeName.kitName(fromStem: stem)
        let plan = KitPlan.plan(for: effective)
        let claims = [image?.claimID, order?.claimID].compactMap { $0 }
        do {
            var source: NewSource?
            if let image {
                let ext = Inspector.acceptedImageTypes[image.facts.mime] ?? "bin"
                let stored = try originals.store(image.bytes, sha256: image.facts.sha256, ext: ext)
                source = NewSource(
                    sha256: image.facts.sha256, mime: image.facts.mime, width: image.facts.width, height: image.facts.height,
                    bytes: image.facts.bytes, storedPath: stored, originalName: image.entry.fileName)
            }
            if let order {
                _ = try originals.store(order.text, sha256: SHA256Digest.hex(of: order.text), ext: "json")
            }
            let origin: NewOrder.Origin = order == nil ? .default : (image == nil ? .standalone : .sidecar)
            let outcome = try database.accept(
                claims: claims, watch: watch.name, kitName: kitName, priority: effective.priority ?? watch.priority, source: source,
                order: NewOrder(origin: origin, json: effective.jsonValue.serialized, fileName: order?.entry.fileName), plan: plan)
            for entry in [image?.entry, order?.entry].compactMap({ $0 }) { _ = unlinkIfUnchanged(entry) }
            switch outcome {
            case .newKit(let kitID, let slug):
                accepted += 1
                logger.info("kit queued", metadata: ["watch": "\(watch.name)", "kit": "\(kitName)", "kit.id": "\(kitID)", "slug": "\(slug)", "stages": "\(plan.steps.count)"])
                onKitQueued(kitID)
            case .extended(let kitID, let added):
                accepted += 1
                logger.info("kit extended by a repeated source", metadata: ["watch": "\(watch.name)", "kit.id": "\(kitID)", "added": "\(added.joined(separator: ","))"])
                onKitQueued(kitID)
            case .duplicate(let kitID, _):
                duplicates += 1
                let kit = (try? database.kit(kitID))?.name ?? ""
                logger.info(
                    "duplicate source: kit exists, nothing new to make",
                    metadata: [
                        "watch": "\(watch.name)", "kit": "\(kit)", "kit.id": "\(kitID)", "file": "\(image?.entry.relativePath ?? "")",
                    ])
            }
        } catch let error as RefkitError {
            // Could not store it: leave the files in the inbox, unclaimed, to be taken again.
            logger.error("cannot record an accepted drop; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            for id in claims { try? database.releaseClaim(id: id) }
        } catch {
            logger.error("cannot record an accepted drop; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            for id in claims { try? database.releaseClaim(id: id) }
        }
    }

    /// A face-swap order with its target image: the kit's locked face onto the target, written
    /// to `swaps/NAME.png` in the kit.
    private func acceptFaceSwap(
        _ swap: Order.FaceSwap, image: (entry: InboxEntry, claimID: Int64, facts: SourceFacts, bytes: [UInt8]),
        order: (entry: InboxEntry, claimID: Int64, order: Order, text: [UInt8]), watch: Configuration.Watch
    ) {
        func refuse(_ error: RefkitError) {
            reject(order.entry, claimID: order.claimID, error, watch: watch)
            reject(image.entry, claimID: image.claimID, RefkitError("source_face_swap_refused", "the face swap order for this image was rejected", detail: "\(order.entry.fileName): \(error.code)"), watch: watch)
        }
        guard swap.target == image.entry.fileName else {
            refuse(RefkitError("order_face_swap_target_mismatch", "the face swap names another image than the one dropped with it", detail: "target \(swap.target), dropped \(image.entry.fileName)"))
            return
        }
        let name = order.order.kit ?? ""
        guard let kit = try? database.kit(named: name, watch: watch.name) else {
            refuse(RefkitError("order_kit_unknown", "the face swap names a kit that does not exist", detail: "no kit \"\(name)\" in watch \(watch.name)"))
            return
        }
        guard kit.status != .failed, !kit.textOnly else {
            refuse(RefkitError("order_kit_has_no_face", "the kit has no locked avatar to take the face from", detail: "\(kit.name) is \(kit.status.rawValue)\(kit.textOnly ? " (text-only plan)" : "")"))
            return
        }
        let id = swap.name ?? SafeName.slug(image.entry.stem)
        guard SafeName.isSafeIdentifier(id), let stage = Stage(name: "swap:\(id)") else {
            refuse(RefkitError("order_invalid_value", "the face swap needs a name of letters, digits, _ and -", detail: "give \"face_swap\": {\"name\": ...}"))
            return
        }
        do {
            let ext = Inspector.acceptedImageTypes[image.facts.mime] ?? "bin"
            let stored = try originals.store(image.bytes, sha256: image.facts.sha256, ext: ext)
            _ = try originals.store(order.text, sha256: SHA256Digest.hex(of: order.text), ext: "json")
            try database.addFaceSwap(
                kitID: kit.id, stage: stage, input: stored,
                order: NewOrder(origin: .sidecar, json: order.order.jsonValue.serialized, fileName: order.entry.fileName),
                claims: [image.claimID, order.claimID])
            _ = unlinkIfUnchanged(image.entry)
            _ = unlinkIfUnchanged(order.entry)
            accepted += 1
            logger.info("face swap queued", metadata: ["watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)", "stage": "\(stage.name)"])
            onKitQueued(kit.id)
        } catch let error as RefkitError where error.code.hasPrefix("order_") {
            refuse(error)
        } catch {
            logger.error("cannot record a face swap; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: image.claimID)
            try? database.releaseClaim(id: order.claimID)
        }
    }

    /// A follow-up order: new scenes, expressions or stages for an existing kit, made from its
    /// locked reference.
    private func acceptFollowUp(_ pending: PendingOrder, kit: KitRecord, watch: Configuration.Watch) {
        let entry = pending.base.entry
        let claimID = pending.base.claimID
        if kit.status == .failed, !kit.textOnly {
            reject(
                entry, claimID: claimID,
                RefkitError(
                    "order_kit_failed", "the kit failed (it has no avatar to work from)",
                    detail: "run `\(ShellWord.command(["refkit", "retry", kit.name]))` first, then drop the order again"),
                watch: watch)
            return
        }
        let plan = KitPlan.followUp(for: pending.order)
        guard !plan.steps.isEmpty else {
            reject(
                entry, claimID: claimID,
                RefkitError("order_follow_up_empty", "the follow-up order asks for nothing to make", detail: "give \"scenes\", \"expressions\" or \"stages\" for kit \(kit.name)"),
                watch: watch)
            return
        }
        // Text-only kits have no avatar: their follow-ups are made from their first character.
        let steps = plan.steps.map { KitPlan.Step(stage: $0.stage, dependsOn: kit.textOnly ? nil : .avatar) }
        do {
            _ = try originals.store(pending.text, sha256: SHA256Digest.hex(of: pending.text), ext: "json")
            let added = try database.addFollowUp(
                kitID: kit.id, order: NewOrder(origin: .standalone, json: pending.order.jsonValue.serialized, fileName: entry.fileName),
                plan: KitPlan(steps: steps), claims: [claimID])
            _ = unlinkIfUnchanged(entry)
            if added.isEmpty {
                duplicates += 1
                logger.info("follow-up order asks for nothing new", metadata: ["watch": "\(watch.name)", "kit.id": "\(kit.id)", "file": "\(entry.relativePath)"])
            } else {
                accepted += 1
                logger.info("follow-up order queued", metadata: ["watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)", "added": "\(added.joined(separator: ","))"])
                onKitQueued(kit.id)
            }
        } catch {
            logger.error("cannot record a follow-up order; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: claimID)
        }
    }

    /// A control order (`select`, `regenerate`, `retry`): the same database operation as the
    /// CLI command, then the file leaves the inbox. An order that cannot act is rejected with why.
    private func applyControl(_ order: Order, entry: InboxEntry, claimID: Int64, text: [UInt8], watch: Configuration.Watch) {
        guard let name = order.kit else { return }
        do {
            guard let kit = try database.kit(named: name, watch: watch.name) else {
                throw RefkitError("order_kit_unknown", "the control order names a kit that does not exist", detail: "no kit \"\(name)\" in watch \(watch.name)")
            }
            _ = try originals.store(text, sha256: SHA256Digest.hex(of: text), ext: "json")
            // The change and the claim commit in one transaction (see finishClaim).
            let result: KitCommandResult
            if let n = order.select {
                result = try database.selectCandidate(
                    kit: kit.id, number: n, how: "selected: candidate \(n) (control order \(entry.fileName))", requireAwaiting: true,
                    remake: order.remake == true, claim: claimID)
            } else if let stages = order.regenerate {
                result = try database.regenerate(kit: kit.id, stages: stages.map(\.name), claim: claimID)
            } else {
                result = try database.retryFailed(kit: kit.id, claim: claimID)
            }
            _ = unlinkIfUnchanged(entry)
            accepted += 1
            logger.info("control order applied", metadata: ["watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)", "result": "\(result.message)"])
            onKitQueued(kit.id)
        } catch let error as RefkitError {
            reject(entry, claimID: claimID, error, watch: watch)
        } catch {
            logger.error("cannot apply a control order; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: claimID)
        }
    }

    func quarantine(_ watch: Configuration.Watch) -> Quarantine { Quarantine(root: watch.rejected, maxCopyBytes: maxCopyBytes) }

    /// Removes the inbox entry only if it is still the very file that was taken in.
    private func unlinkIfUnchanged(_ entry: InboxEntry) -> Bool {
        guard let st = FileSystem.lstatEntry(entry.path), entry.matches(st) else { return false }
        guard unlink(entry.path) == 0 else { return false }
        FileSystem.fsyncPath((entry.path as NSString).deletingLastPathComponent, directory: true)
        return true
    }
}
