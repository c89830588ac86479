import Foundation
import RefkitCore
import RefkitWatch

/// An image intake has claimed and judged sound, with what is stored if it is accepted.
struct ClaimedImage: Sendable {
    var entry: InboxEntry
    var claimID: Int64
    var facts: SourceFacts
    var bytes: [UInt8]
}

/// An order intake has claimed and judged valid, with its text as dropped.
struct ClaimedOrder: Sendable {
    var entry: InboxEntry
    var claimID: Int64
    var order: Order
    var text: [UInt8]
}

/// What intake does next with claimed files; `PairingBook` decides, the actor performs.
enum PairingAction: Sendable {
    /// Take the drop: an image with its sidecar, an image alone (the default order), or an
    /// order alone (a text-only plan).
    case accept(image: ClaimedImage?, order: ClaimedOrder?)
    /// Move the file to `rejected/` with why.
    case reject(InboxEntry, claimID: Int64, RefkitError)
    /// A control order (`select`, `regenerate`, `retry`): act on its kit now.
    case applyControl(ClaimedOrder)
    /// An order naming a kit whose image did not come: a follow-up of that kit if it exists.
    case orderAlone(ClaimedOrder, kit: String)
    /// A waiting file was replaced by a newer one under its name: release its claim, the newer
    /// one is judged in its place.
    case superseded(InboxEntry, claimID: Int64)
    /// The file now waits for its partner, for `wait`.
    case waiting(InboxEntry, wait: Duration)
    /// Issue 17 item 1: several images of one character (an order's `sources`, or a `NAME.kit`
    /// folder's images, in order: the first is the primary) with their order, if any: one kit.
    /// `kitName` names it when the order does not; `folder` is a `NAME.kit` folder (absolute) to
    /// remove once it is empty.
    case acceptSources(images: [ClaimedImage], order: ClaimedOrder?, kitName: String?, folder: String?)
}

/// Pairs images with sidecar orders, in either order of arrival, with the watch's waits. A pure
/// value: the intake actor feeds it each judged file and the clock's time, and performs the
/// actions it returns; it reads no file, no database and no clock.
///
/// Time is a `Duration` since any fixed origin (intake measures from its start), so tests give
/// plain numbers. Files pair by watch, folder and name stem (`InboxEntry.pairingKey`).
struct PairingBook: Sendable {
    /// How long partners wait for each other in one watch.
    struct Waits: Sendable {
        /// How long an image waits for its sidecar (`sidecar_wait_ms`).
        var sidecar: Duration
        /// How long an order waits for its image (`image_wait_ms`).
        var image: Duration
        /// The watch's settle time: a sidecar still settling at an image's deadline is worth
        /// waiting for, re-checked this often (at least every 100 ms).
        var settle: Duration
    }

    /// What judging a claimed file found (the inspector's verdict, less `changed`, which never
    /// reaches the book).
    enum Verdict: Sendable {
        case image(SourceFacts, bytes: [UInt8])
        /// `namesKnownKit`: the order names an existing kit (and is no face swap), so unless its
        /// image follows right after, it is a follow-up and waits the shorter of both waits.
        case order(Order, text: [UInt8], namesKnownKit: Bool)
        case rejected(RefkitError)
    }

    struct Waiting<Item: Sendable>: Sendable {
        var item: Item
        var deadline: Duration
        var firstDeadline: Duration
    }

    /// Partners rejected with no counterpart waiting, remembered for as long as that
    /// counterpart would have waited, so a late image (or order) is judged the same way as one
    /// that arrived first: never taken with the default order in place of a bad sidecar.
    struct RejectedPartner: Sendable {
        var isOrder: Bool
        var fileName: String
        var code: String
        var until: Duration
    }

    private let waits: [String: Waits]
    private(set) var images: [String: Waiting<ClaimedImage>] = [:]
    private(set) var orders: [String: Waiting<ClaimedOrder>] = [:]
    private(set) var rejectedPartners: [String: RejectedPartner] = [:]
    /// Drops of several sources waiting to be complete (issue 17 item 1, `PairingBook+Sources`).
    var sources = SourceGroups()

    /// `waits` by watch name; a file of a watch not listed here is never handed in.
    init(waits: [String: Waits]) {
        self.waits = waits
    }

    /// Images and orders waiting for their partner.
    var pendingCount: Int { images.count + orders.count + sources.pendingCount }

    /// When `due(now:)` has something to do next; nil when nothing waits.
    var nextDeadline: Duration? {
        (images.values.map(\.deadline) + orders.values.map(\.deadline) + sources.deadlines).min()
    }

    static func key(_ entry: InboxEntry) -> String { "\(entry.watch)/\(entry.pairingKey)" }

    /// A claimed file was judged `verdict` at `now`.
    mutating func receive(_ verdict: Verdict, entry: InboxEntry, claimID: Int64, now: Duration) -> [PairingAction] {
        let waits = waits[entry.watch] ?? Waits(sidecar: .zero, image: .zero, settle: .zero)
        let key = Self.key(entry)
        rejectedPartners = rejectedPartners.filter { $0.value.until > now }
        var actions = dropSuperseded(by: entry, key: key)
        if let grouped = receiveSourceMember(verdict, entry: entry, claimID: claimID, now: now, waits: waits) {
            return actions + grouped
        }
        switch verdict {
        case .rejected(let error):
            actions.append(.reject(entry, claimID: claimID, error))
            if entry.looksLikeOrder, let image = images.removeValue(forKey: key)?.item {
                actions.append(.reject(image.entry, claimID: image.claimID, Self.sidecarRejected(entry.fileName, error.code.rawValue)))
            } else if !entry.looksLikeOrder, let order = orders.removeValue(forKey: key)?.item {
                actions.append(.reject(order.entry, claimID: order.claimID, Self.imageRejected(entry.fileName, error.code.rawValue)))
            } else {
                let wait = entry.looksLikeOrder ? waits.image : waits.sidecar
                rejectedPartners[key] = RejectedPartner(
                    isOrder: entry.looksLikeOrder, fileName: entry.fileName, code: error.code.rawValue, until: now + wait)
            }
        case .image(let facts, let bytes):
            let image = ClaimedImage(entry: entry, claimID: claimID, facts: facts, bytes: bytes)
            actions += receive(image, key: key, waits: waits, now: now)
        case .order(let order, let text, let namesKnownKit):
            let order = ClaimedOrder(entry: entry, claimID: claimID, order: order, text: text)
            actions += receive(order, namesKnownKit: namesKnownKit, key: key, waits: waits, now: now)
        }
        return actions
    }

    private mutating func receive(_ image: ClaimedImage, key: String, waits: Waits, now: Duration) -> [PairingAction] {
        let entry = image.entry
        if let partner = rejectedPartners.removeValue(forKey: key), partner.isOrder {
            return [.reject(entry, claimID: image.claimID, Self.sidecarRejected(partner.fileName, partner.code))]
        }
        if let other = images.removeValue(forKey: key)?.item {
            let error = RefkitError(
                .sourceAmbiguousStem, "two images share one name stem, so the sidecar cannot be paired",
                detail: "\(other.entry.fileName) and \(entry.fileName)")
            var actions: [PairingAction] = [
                .reject(other.entry, claimID: other.claimID, error), .reject(entry, claimID: image.claimID, error),
            ]
            if let order = orders.removeValue(forKey: key)?.item {
                let orderError = RefkitError(.orderAmbiguousImage, "two images share this order's name stem", detail: error.detail)
                actions.append(.reject(order.entry, claimID: order.claimID, orderError))
            }
            return actions
        }
        if let order = orders.removeValue(forKey: key)?.item {
            return [.accept(image: image, order: order)]
        }
        images[key] = Waiting(item: image, deadline: now + waits.sidecar, firstDeadline: now + waits.sidecar)
        return [.waiting(entry, wait: waits.sidecar)]
    }

    private mutating func receive(
        _ order: ClaimedOrder, namesKnownKit: Bool, key: String, waits: Waits, now: Duration
    ) -> [PairingAction] {
        let entry = order.entry
        if let partner = rejectedPartners.removeValue(forKey: key), !partner.isOrder {
            return [.reject(entry, claimID: order.claimID, Self.imageRejected(partner.fileName, partner.code))]
        }
        if order.order.isControl {
            return [.applyControl(order)]
        }
        if orders[key] != nil {
            // A second sidecar for one stem (e.g. rewritten after being taken): judged on its own later.
            let error = RefkitError(.orderDuplicateSidecar, "another order for this name is already waiting", detail: entry.fileName)
            return [.reject(entry, claimID: order.claimID, error)]
        }
        if let image = images.removeValue(forKey: key)?.item {
            return [.accept(image: image, order: order)]
        }
        if order.order.isTextOnlyPlan {
            return [.accept(image: nil, order: order)]
        }
        let followUp = namesKnownKit && order.order.faceSwap == nil
        let wait = followUp ? min(waits.sidecar, waits.image) : waits.image
        orders[key] = Waiting(item: order, deadline: now + wait, firstDeadline: now + wait)
        return [.waiting(entry, wait: wait)]
    }

    /// A waiting image or order whose name now holds a newer file (overwritten or renamed over
    /// while it waited) never existed for refkit: the newer one is judged in its place.
    private mutating func dropSuperseded(by entry: InboxEntry, key: String) -> [PairingAction] {
        if images[key]?.item.entry.relativePath == entry.relativePath, let image = images.removeValue(forKey: key)?.item {
            return [.superseded(image.entry, claimID: image.claimID)]
        }
        if orders[key]?.item.entry.relativePath == entry.relativePath, let order = orders.removeValue(forKey: key)?.item {
            return [.superseded(order.entry, claimID: order.claimID)]
        }
        return []
    }

    /// What is due at `now`, earliest deadline first. `sidecarPresent(path)` says whether a
    /// sidecar file exists in the inbox at `path` (still settling, not yet judged): an image whose
    /// sidecar is there waits for it a little longer, up to `image_wait_ms` (or three settle times).
    /// `unsettled(watch, folder, known)` says whether a folder (absolute) of the watch's inbox holds
    /// a file not yet handed in, other than the names `known` (a `NAME.kit` folder still being written).
    /// `orderSettling(watch, folder, known)`: whether the folder holds an order (`.json`) other than
    /// `known` not yet judged, which may name a waiting image in its `sources` (issue 17 item 1).
    mutating func due(
        now: Duration, sidecarPresent: (String) -> Bool, unsettled: (String, String, Set<String>) -> Bool = { _, _, _ in false },
        orderSettling: (String, String, Set<String>) -> Bool = { _, _, _ in false }
    ) -> [PairingAction] {
        var actions = sources.due(now: now, waits: waits, present: sidecarPresent, unsettled: unsettled)
        var settling: [String: Bool] = [:]
        for (key, waiting) in images.filter({ $0.value.deadline <= now }).sorted(by: { $0.value.deadline < $1.value.deadline }) {
            let image = waiting.item
            let waits = waits[image.entry.watch] ?? Waits(sidecar: .zero, image: .zero, settle: .zero)
            let limit = waiting.firstDeadline + max(waits.image, waits.settle * 3)
            if now < limit,
                sidecarPresent(Self.sidecarPath(of: image.entry))
                    || mayBeNamedBySettlingOrder(image.entry, cache: &settling, orderSettling: orderSettling)
            {
                images[key]?.deadline = min(limit, now + max(waits.settle, .milliseconds(100)))
                continue
            }
            images.removeValue(forKey: key)
            actions.append(.accept(image: image, order: nil))
        }
        for (key, waiting) in orders.filter({ $0.value.deadline <= now }).sorted(by: { $0.value.deadline < $1.value.deadline }) {
            orders.removeValue(forKey: key)
            actions.append(Self.alone(waiting.item, waits: waits[waiting.item.entry.watch]))
        }
        return actions
    }

    /// An order whose image did not come.
    private static func alone(_ order: ClaimedOrder, waits: Waits?) -> PairingAction {
        let entry = order.entry
        let waited = (waits?.image ?? .zero) / .milliseconds(1)
        if let swap = order.order.faceSwap {
            let error = RefkitError(
                .orderFaceSwapWithoutImage, "the face swap's target image did not arrive",
                detail: "waited \(Int(waited)) ms for \(swap.target) (drop it beside \(entry.fileName), with the same name stem)")
            return .reject(entry, claimID: order.claimID, error)
        }
        if let kit = order.order.kit {
            return .orderAlone(order, kit: kit)
        }
        let error = RefkitError(
            .orderWithoutImage, "no image arrived for this order",
            detail: "waited \(Int(waited)) ms for \(entry.stem).{jpg,png,webp,heic,avif}; a text-only plan needs \"characters\" "
                + "(a plan of scenes alone: \"characters\": [])")
        return .reject(entry, claimID: order.claimID, error)
    }

    /// Removes and returns the waiting images of `watch` in inbox folder `folder` (relative)
    /// named in `names`: an order's `sources` that arrived before it (issue 17 item 1).
    mutating func takeWaitingImages(watch: String, folder: String, names: [String]) -> [ClaimedImage] {
        let keys = images.filter { _, waiting in
            let entry = waiting.item.entry
            return entry.watch == watch && SourceGroups.folder(of: entry) == folder && names.contains(entry.fileName)
        }.keys
        return keys.compactMap { images.removeValue(forKey: $0)?.item }
    }

    /// The sidecar an image would pair with: the same path with `.json` for its extension.
    static func sidecarPath(of image: InboxEntry) -> String {
        (image.path as NSString).deletingPathExtension + ".json"
    }

    static func sidecarRejected(_ fileName: String, _ code: String) -> RefkitError {
        RefkitError(.sourceSidecarInvalid, "the image's sidecar order was rejected", detail: "\(fileName): \(code)")
    }

    static func imageRejected(_ fileName: String, _ code: String) -> RefkitError {
        RefkitError(.orderImageRejected, "the order's image was rejected", detail: "\(fileName): \(code)")
    }
}
