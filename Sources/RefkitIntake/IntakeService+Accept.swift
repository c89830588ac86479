import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitStore
import RefkitWatch

/// What intake does with a drop the pairing book accepts: a new kit (or a repeated source),
/// a face swap, a follow-up order, a control order. Each stores the originals first, records
/// the drop in one transaction, then removes the inbox files, then says so on `events`.
extension IntakeService {
    /// An image with its sidecar, an image alone (with the watch's default order), or an order
    /// alone (a text-only plan): a new kit, or a repeated source's kit extended or found again.
    /// `extraImages` and `kitName`: several sources of one character (`acceptSources`).
    func acceptDrop(
        image: ClaimedImage?, order: ClaimedOrder?, watch: Configuration.Watch, extraImages: [ClaimedImage] = [],
        kitName named: String? = nil
    ) {
        if let order, let swap = order.order.faceSwap, let image {
            acceptFaceSwap(swap, image: image, order: order, watch: watch)
            return
        }
        let given = order?.order ?? Order()
        let effective = given.overlaying(watch.defaultOrder)
        let stem = image?.entry.stem ?? order?.entry.stem ?? "kit"
        let kitName = given.kit ?? named ?? SafeName.kitName(fromStem: stem)
        let plan = KitPlan.plan(for: effective)
        let claims = [image?.claimID, order?.claimID].compactMap { $0 } + extraImages.map(\.claimID)
        do {
            var source: NewSource?
            if let image {
                let stored = try originals.store(image.bytes, sha256: image.facts.sha256, ext: image.facts.format.fileExtension)
                source = NewSource(
                    sha256: image.facts.sha256, format: image.facts.format, width: image.facts.width, height: image.facts.height,
                    bytes: image.facts.bytes, storedPath: stored, originalName: image.entry.fileName)
            }
            if let order {
                _ = try originals.store(order.text, sha256: SHA256Digest.hex(of: order.text), ext: "json")
            }
            let extraSources = try storeSources(extraImages)
            let origin: NewOrder.Origin = order == nil ? .default : (image == nil ? .standalone : .sidecar)
            let outcome = try database.accept(
                claims: claims, watch: watch.name, kitName: kitName, priority: effective.priority ?? watch.priority, source: source,
                order: NewOrder(origin: origin, json: effective.jsonValue.serialized, fileName: order?.entry.fileName), plan: plan,
                extraSources: extraSources)
            for entry in [image?.entry, order?.entry].compactMap({ $0 }) + extraImages.map(\.entry) { _ = unlinkIfUnchanged(entry) }
            switch outcome {
            case .newKit(let kitID, let slug):
                accepted += 1
                logger.info(
                    "kit queued",
                    metadata: [
                        "watch": "\(watch.name)", "kit": "\(kitName)", "kit.id": "\(kitID)", "slug": "\(slug)",
                        "stages": "\(plan.steps.count)",
                    ])
                events.publish(.kitQueued(kitID: kitID, watch: watch.name))
            case .extended(let kitID, let added):
                accepted += 1
                logger.info(
                    "kit extended by a repeated source",
                    metadata: ["watch": "\(watch.name)", "kit.id": "\(kitID)", "added": "\(added.map(\.name).joined(separator: ","))"])
                events.publish(.kitQueued(kitID: kitID, watch: watch.name))
            case .duplicate(let kitID, _):
                duplicates += 1
                events.publish(.duplicate(kitID: kitID, watch: watch.name))
                let kit = (try? database.kit(kitID))?.name ?? ""
                logger.info(
                    "duplicate source: kit exists, nothing new to make",
                    metadata: [
                        "watch": "\(watch.name)", "kit": "\(kit)", "kit.id": "\(kitID)", "file": "\(image?.entry.relativePath ?? "")",
                    ])
            }
        } catch let error as RefkitError {
            // Could not store it: leave the files in the inbox, unclaimed, to be taken again.
            logger.error(
                "cannot record an accepted drop; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            for id in claims { try? database.releaseClaim(id: id) }
        } catch {
            logger.error(
                "cannot record an accepted drop; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            for id in claims { try? database.releaseClaim(id: id) }
        }
    }

    /// A face-swap order with its target image: the kit's locked face onto the target, written
    /// to `swaps/NAME.png` in the kit.
    func acceptFaceSwap(_ swap: Order.FaceSwap, image: ClaimedImage, order: ClaimedOrder, watch: Configuration.Watch) {
        func refuse(_ error: RefkitError) {
            reject(order.entry, claimID: order.claimID, error, watch: watch)
            reject(
                image.entry, claimID: image.claimID,
                RefkitError(
                    .sourceFaceSwapRefused, "the face swap order for this image was rejected",
                    detail: "\(order.entry.fileName): \(error.code)"), watch: watch)
        }
        guard swap.target == image.entry.fileName else {
            refuse(
                RefkitError(
                    .orderFaceSwapTargetMismatch, "the face swap names another image than the one dropped with it",
                    detail: "target \(swap.target), dropped \(image.entry.fileName)"))
            return
        }
        let name = order.order.kit ?? ""
        guard let kit = try? database.kit(named: name, watch: watch.name) else {
            refuse(
                RefkitError(
                    .orderKitUnknown, "the face swap names a kit that does not exist",
                    detail: "no kit \"\(name)\" in watch \(watch.name)"))
            return
        }
        guard kit.status != .failed, !kit.textOnly else {
            refuse(
                RefkitError(
                    .orderKitHasNoFace, "the kit has no locked avatar to take the face from",
                    detail: "\(kit.name) is \(kit.status.rawValue)\(kit.textOnly ? " (text-only plan)" : "")"))
            return
        }
        let id = swap.name ?? SafeName.slug(image.entry.stem)
        guard SafeName.isSafeIdentifier(id) else {
            refuse(
                RefkitError(
                    .orderInvalidValue, "the face swap needs a name of letters, digits, _ and -",
                    detail: "give \"face_swap\": {\"name\": ...}"))
            return
        }
        let stage = Stage.swap(id)
        do {
            let stored = try originals.store(image.bytes, sha256: image.facts.sha256, ext: image.facts.format.fileExtension)
            _ = try originals.store(order.text, sha256: SHA256Digest.hex(of: order.text), ext: "json")
            try database.addFaceSwap(
                kitID: kit.id, stage: stage, input: stored,
                order: NewOrder(origin: .sidecar, json: order.order.jsonValue.serialized, fileName: order.entry.fileName),
                claims: [image.claimID, order.claimID])
            _ = unlinkIfUnchanged(image.entry)
            _ = unlinkIfUnchanged(order.entry)
            accepted += 1
            logger.info(
                "face swap queued",
                metadata: ["watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)", "stage": "\(stage.name)"])
            events.publish(.kitQueued(kitID: kit.id, watch: watch.name))
        } catch let error as RefkitError where error.code.family == "order" {
            refuse(error)
        } catch {
            logger.error("cannot record a face swap; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: image.claimID)
            try? database.releaseClaim(id: order.claimID)
        }
    }

    /// A follow-up order: new scenes, expressions or stages for an existing kit, made from its
    /// locked reference.
    func acceptFollowUp(_ pending: ClaimedOrder, kit: KitRecord, watch: Configuration.Watch) {
        let entry = pending.entry
        let claimID = pending.claimID
        if kit.status == .failed, !kit.textOnly {
            reject(
                entry, claimID: claimID,
                RefkitError(
                    .orderKitFailed, "the kit failed (it has no avatar to work from)",
                    detail: "run `\(ShellWord.command(["refkit", "retry", kit.name]))` first, then drop the order again"),
                watch: watch)
            return
        }
        var plan = KitPlan.followUp(for: pending.order)
        if kit.textOnly, !pending.order.images.isEmpty {
            reject(entry, claimID: claimID, Self.imagesNeedAFace(kit), watch: watch)
            return
        }
        guard !plan.steps.isEmpty else {
            reject(
                entry, claimID: claimID,
                RefkitError(
                    .orderFollowUpEmpty, "the follow-up order asks for nothing to make",
                    detail: "give \"scenes\", \"expressions\", \"images\" or \"stages\" for kit \(kit.name)"),
                watch: watch)
            return
        }
        if kit.textOnly {
            // No avatar: each new scene waits for the characters it shows, and is made from their references.
            let kitOrder = try? database.kitOrder(kitID: kit.id)
            plan =
                kitOrder.map { KitPlan.textOnlyFollowUp(for: pending.order, kit: $0) }
                ?? KitPlan(steps: plan.steps.map { KitPlan.Step(stage: $0.stage, dependsOnAll: []) })
            if let problem = kitOrder.flatMap({ OrderValidator.checkSceneCharacters(pending.order, kit: $0) })
                ?? failedCharacter(in: plan, kit: kit)
            {
                reject(entry, claimID: claimID, problem, watch: watch)
                return
            }
        }
        do {
            _ = try originals.store(pending.text, sha256: SHA256Digest.hex(of: pending.text), ext: "json")
            let added = try database.addFollowUp(
                kitID: kit.id, order: NewOrder(origin: .standalone, json: pending.order.jsonValue.serialized, fileName: entry.fileName),
                plan: plan, claims: [claimID])
            _ = unlinkIfUnchanged(entry)
            if added.isEmpty {
                duplicates += 1
                events.publish(.duplicate(kitID: kit.id, watch: watch.name))
                logger.info(
                    "follow-up order asks for nothing new",
                    metadata: ["watch": "\(watch.name)", "kit.id": "\(kit.id)", "file": "\(entry.relativePath)"])
            } else {
                accepted += 1
                logger.info(
                    "follow-up order queued",
                    metadata: [
                        "watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)",
                        "added": "\(added.map(\.name).joined(separator: ","))",
                    ])
                events.publish(.kitQueued(kitID: kit.id, watch: watch.name))
            }
        } catch {
            logger.error(
                "cannot record a follow-up order; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: claimID)
        }
    }

    /// A control order (`select`, `regenerate`, `retry`): the same database operation as the
    /// CLI command, then the file leaves the inbox. An order that cannot act is rejected with why.
    func applyControl(_ claimed: ClaimedOrder, watch: Configuration.Watch) {
        let (order, entry, claimID, text) = (claimed.order, claimed.entry, claimed.claimID, claimed.text)
        guard let name = order.kit else { return }
        do {
            guard let kit = try database.kit(named: name, watch: watch.name) else {
                throw RefkitError(
                    .orderKitUnknown, "the control order names a kit that does not exist",
                    detail: "no kit \"\(name)\" in watch \(watch.name)")
            }
            _ = try originals.store(text, sha256: SHA256Digest.hex(of: text), ext: "json")
            // The change and the claim commit in one transaction (see finishClaim).
            let result: KitCommandResult
            if let n = order.select {
                result = try database.selectCandidate(
                    kit: kit.id, number: n, how: "selected: candidate \(n) (control order \(entry.fileName))", requireAwaiting: true,
                    remake: order.remake == true, claim: claimID)
            } else if let stages = order.regenerate {
                result = try database.regenerate(kit: kit.id, stages: stages, claim: claimID)
            } else {
                result = try database.retryFailed(kit: kit.id, claim: claimID)
            }
            _ = unlinkIfUnchanged(entry)
            accepted += 1
            logger.info(
                "control order applied",
                metadata: ["watch": "\(watch.name)", "kit": "\(kit.name)", "kit.id": "\(kit.id)", "result": "\(result.message)"])
            events.publish(.kitQueued(kitID: kit.id, watch: watch.name))
        } catch let error as RefkitError {
            reject(entry, claimID: claimID, error, watch: watch)
        } catch {
            logger.error("cannot apply a control order; it stays in the inbox", metadata: ["watch": "\(watch.name)", "error": "\(error)"])
            try? database.releaseClaim(id: claimID)
        }
    }
}
