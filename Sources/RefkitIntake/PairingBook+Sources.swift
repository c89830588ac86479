import Foundation
import RefkitCore
import RefkitWatch

/// Issue 17 item 1: drops of several images of one character, gathered until complete. A pure
/// value, part of `PairingBook` (no file, database or clock).
///
/// - An order with `sources` waits (`image_wait_ms`, longer while a named file is still being
///   written) for the images it names in its own folder; those that arrived before it and
///   wait for a sidecar of their own are taken from the book. One rejected or missing image
///   rejects the order and the images it gathered, each with its reason.
/// - A `NAME.kit` folder (in a recursive watch) is one character: its images, in name order,
///   the first the primary; an order in it (any `.json`, `order.json` by convention) is the
///   folder's order. The folder is complete when no file came for `sidecar_wait_ms` and none in
///   it is still settling (checked up to `image_wait_ms`, or three settle times, more). One
///   rejected file, a second order, no image or more than 16 images reject the whole folder.
struct SourceGroups: Sendable {
    /// An order with `sources`, and the images it has so far (by file name).
    struct OrderGroup: Sendable {
        var order: ClaimedOrder
        var images: [String: ClaimedImage] = [:]
        var deadline: Duration
        var limit: Duration

        var missing: [String] { order.order.sources.filter { images[$0] == nil } }
    }

    /// A `NAME.kit` folder's files so far.
    struct FolderGroup: Sendable {
        var watch: String
        /// Relative to the inbox (`mira.kit`, `people/mira.kit`).
        var folder: String
        /// Absolute.
        var path: String
        var images: [ClaimedImage] = []
        var order: ClaimedOrder?
        /// Files of the folder already rejected (`name: code`): the folder is refused whole.
        var rejected: [String] = []
        /// Every file name handed in, so the folder's other files are known to be unsettled.
        var known: Set<String> = []
        /// When its first file came.
        var since: Duration
        var deadline: Duration
        var limit: Duration
    }

    /// By the order's watch and relative path.
    private(set) var orderGroups: [String: OrderGroup] = [:]
    /// By watch and relative folder.
    private(set) var folderGroups: [String: FolderGroup] = [:]

    /// Files held in groups.
    var pendingCount: Int {
        orderGroups.values.reduce(0) { $0 + 1 + $1.images.count }
            + folderGroups.values.reduce(0) { $0 + $1.images.count + ($1.order == nil ? 0 : 1) }
    }

    var deadlines: [Duration] { orderGroups.values.map(\.deadline) + folderGroups.values.map(\.deadline) }

    /// The folder holding `entry`, relative to its inbox (`""` at the top).
    static func folder(of entry: InboxEntry) -> String {
        entry.relativePath.split(separator: "/").dropLast().joined(separator: "/")
    }

    /// The `NAME.kit` folder `entry` is directly in, relative to its inbox; nil for any other.
    static func kitFolder(of entry: InboxEntry) -> String? {
        let folder = folder(of: entry)
        guard let last = folder.split(separator: "/").last, kitName(ofFolder: String(last)) != nil else { return nil }
        return folder
    }

    /// The character a `NAME.kit` folder name is (`mira.kit` → `mira`); nil for other names.
    static func kitName(ofFolder name: String) -> String? {
        guard name.lowercased().hasSuffix(".kit"), name.count > 4 else { return nil }
        return SafeName.kitName(fromStem: String(name.dropLast(4)))
    }

    /// A kit folder's images in name order, numbers compared as numbers (`2.jpg` before `10.jpg`).
    static func nameOrder(_ images: [ClaimedImage]) -> [ClaimedImage] {
        images.sorted { $0.entry.fileName.compare($1.entry.fileName, options: [.numeric]) == .orderedAscending }
    }

    // MARK: - Orders with sources

    mutating func addOrder(_ group: OrderGroup, now: Duration) -> [PairingAction] {
        if group.missing.isEmpty { return [Self.accept(group)] }
        orderGroups["\(group.order.entry.watch)/\(group.order.entry.relativePath)"] = group
        return [.waiting(group.order.entry, wait: group.deadline - now)]
    }

    /// The key of the waiting order that names `entry` among its sources.
    func orderGroupKey(naming entry: InboxEntry) -> String? {
        let folder = Self.folder(of: entry)
        return orderGroups.first { _, group in
            let order = group.order.entry
            return order.watch == entry.watch && Self.folder(of: order) == folder && group.order.order.sources.contains(entry.fileName)
        }?.key
    }

    /// An image an order waits for: taken; the order is accepted once it has all.
    mutating func add(_ image: ClaimedImage, toOrder key: String, now: Duration) -> [PairingAction] {
        guard var group = orderGroups.removeValue(forKey: key) else { return [] }
        // The same name again (rewritten while the order waits): the newer file counts.
        let older = group.images.updateValue(image, forKey: image.entry.fileName)
        let superseded: [PairingAction] = older.map { [.superseded($0.entry, claimID: $0.claimID)] } ?? []
        if group.missing.isEmpty { return superseded + [Self.accept(group)] }
        orderGroups[key] = group
        return superseded + [.waiting(image.entry, wait: max(.zero, group.deadline - now))]
    }

    /// One of an order's sources was rejected: the order goes with it, and what it gathered.
    mutating func sourceRejected(_ entry: InboxEntry, code: String, orderKey key: String) -> [PairingAction] {
        guard let group = orderGroups.removeValue(forKey: key) else { return [] }
        return Self.refuse(
            group, RefkitError(.orderSourceRejected, "one of the order's sources was rejected", detail: "\(entry.fileName): \(code)"))
    }

    static func accept(_ group: OrderGroup) -> PairingAction {
        .acceptSources(images: group.order.order.sources.compactMap { group.images[$0] }, order: group.order, kitName: nil, folder: nil)
    }

    /// The order rejected with `error`, the images it gathered with `source_sibling_rejected`.
    static func refuse(_ group: OrderGroup, _ error: RefkitError) -> [PairingAction] {
        let order = group.order
        let sibling = RefkitError(
            .sourceSiblingRejected, "the order naming this image among its sources was rejected",
            detail: "\(order.entry.fileName): \(error.code.rawValue)")
        return [.reject(order.entry, claimID: order.claimID, error)]
            + group.images.values.map { .reject($0.entry, claimID: $0.claimID, sibling) }
    }

    // MARK: - NAME.kit folders

    mutating func receive(
        _ verdict: PairingBook.Verdict, entry: InboxEntry, claimID: Int64, folder: String, now: Duration, waits: PairingBook.Waits
    ) -> [PairingAction] {
        let key = "\(entry.watch)/\(folder)"
        let wait = max(waits.sidecar, waits.settle)
        var group =
            folderGroups[key]
            ?? FolderGroup(
                watch: entry.watch, folder: folder, path: (entry.path as NSString).deletingLastPathComponent, since: now,
                deadline: now, limit: now)
        group.known.insert(entry.fileName)
        group.deadline = now + wait
        group.limit = now + wait + max(waits.image, waits.settle * 3)
        // A file rewritten (or renamed over) while the folder waits: the newer one counts, as in the book.
        var actions: [PairingAction] = group.images.filter { $0.entry.relativePath == entry.relativePath }.map {
            .superseded($0.entry, claimID: $0.claimID)
        }
        group.images.removeAll { $0.entry.relativePath == entry.relativePath }
        if let order = group.order, order.entry.relativePath == entry.relativePath {
            actions.append(.superseded(order.entry, claimID: order.claimID))
            group.order = nil
        }
        switch verdict {
        case .image(let facts, let bytes):
            group.images.append(ClaimedImage(entry: entry, claimID: claimID, facts: facts, bytes: bytes))
            actions.append(.waiting(entry, wait: wait))
        case .order(let order, let text, _):
            if let problem = Self.folderOrderProblem(order, existing: group.order) {
                group.rejected.append("\(entry.fileName): \(problem.code.rawValue)")
                actions.append(.reject(entry, claimID: claimID, problem))
            } else {
                group.order = ClaimedOrder(entry: entry, claimID: claimID, order: order, text: text)
                actions.append(.waiting(entry, wait: wait))
            }
        case .rejected(let error):
            group.rejected.append("\(entry.fileName): \(error.code.rawValue)")
            actions.append(.reject(entry, claimID: claimID, error))
        }
        folderGroups[key] = group
        return actions
    }

    /// Why an order cannot be a `NAME.kit` folder's order; nil when it can.
    static func folderOrderProblem(_ order: Order, existing: ClaimedOrder?) -> RefkitError? {
        if let existing {
            return RefkitError(
                .orderDuplicateSidecar, "a NAME.kit folder holds one order", detail: "\(existing.entry.fileName) is its order already")
        }
        if order.isControl || order.faceSwap != nil || order.isTextOnlyPlan || !order.sources.isEmpty {
            return RefkitError(
                .orderInvalidValue, "the order in a NAME.kit folder describes the folder's character",
                detail: "give no select, regenerate, retry, face_swap, characters or sources in it")
        }
        return nil
    }

    /// A complete folder: one kit of its images, or, when one of its files was rejected, it
    /// holds no image or too many, every file refused with why.
    static func finish(_ group: FolderGroup, now: Duration) -> [PairingAction] {
        var why: RefkitError?
        if !group.rejected.isEmpty {
            why = RefkitError(
                .sourceSiblingRejected, "another file of this NAME.kit folder was rejected, so the folder is refused whole",
                detail: group.rejected.joined(separator: "; "))
        } else if group.images.count > OrderValidator.maxSources {
            why = RefkitError(
                .sourceTooMany, "a NAME.kit folder holds more images than one character is made from",
                detail: "\(group.images.count) images in \(group.folder), at most \(OrderValidator.maxSources)")
        } else if group.images.isEmpty {
            why = RefkitError(
                .orderWithoutImage, "no image arrived in this NAME.kit folder",
                detail: "waited \(Int((now - group.since) / .milliseconds(1))) ms in \(group.folder)")
        }
        guard let why else {
            let name = kitName(ofFolder: String(group.folder.split(separator: "/").last ?? ""))
            return [.acceptSources(images: nameOrder(group.images), order: group.order, kitName: name, folder: group.path)]
        }
        let files = group.images.map { ($0.entry, $0.claimID) } + (group.order.map { [($0.entry, $0.claimID)] } ?? [])
        return files.map { .reject($0.0, claimID: $0.1, why) }
    }

    // MARK: - Deadlines

    /// What is due at `now`: complete folders, and orders whose sources did not all come.
    mutating func due(
        now: Duration, waits: [String: PairingBook.Waits], present: (String) -> Bool, unsettled: (String, String, Set<String>) -> Bool
    ) -> [PairingAction] {
        var actions: [PairingAction] = []
        for (key, group) in folderGroups.filter({ $0.value.deadline <= now }).sorted(by: { $0.value.deadline < $1.value.deadline }) {
            let settle = waits[group.watch]?.settle ?? .zero
            if now < group.limit, unsettled(group.watch, group.path, group.known) {
                folderGroups[key]?.deadline = min(group.limit, now + max(settle, .milliseconds(100)))
                continue
            }
            folderGroups.removeValue(forKey: key)
            actions += Self.finish(group, now: now)
        }
        for (key, group) in orderGroups.filter({ $0.value.deadline <= now }).sorted(by: { $0.value.deadline < $1.value.deadline }) {
            let entry = group.order.entry
            let folder = (entry.path as NSString).deletingLastPathComponent
            let settle = waits[entry.watch]?.settle ?? .zero
            if now < group.limit, group.missing.contains(where: { present("\(folder)/\($0)") }) {
                orderGroups[key]?.deadline = min(group.limit, now + max(settle, .milliseconds(100)))
                continue
            }
            orderGroups.removeValue(forKey: key)
            let waited = Int((waits[entry.watch]?.image ?? .zero) / .milliseconds(1))
            let error = RefkitError(
                .orderSourceMissing, "an image the order names in \"sources\" did not arrive",
                detail: "waited \(waited) ms for \(group.missing.joined(separator: ", ")) (drop them beside \(entry.fileName))")
            actions += Self.refuse(group, error)
        }
        return actions
    }
}

extension PairingBook {
    /// Whether an order not yet judged is in `entry`'s folder (it may name the image in its
    /// `sources`), asked once per folder and `due` call: such an image waits like one whose own
    /// sidecar is still settling.
    func mayBeNamedBySettlingOrder(
        _ entry: InboxEntry, cache: inout [String: Bool], orderSettling: (String, String, Set<String>) -> Bool
    ) -> Bool {
        let folder = (entry.path as NSString).deletingLastPathComponent
        if let known = cache[folder] { return known }
        let relative = SourceGroups.folder(of: entry)
        let waiting = orders.values.map(\.item.entry) + sources.orderGroups.values.map(\.order.entry)
        let known = Set(waiting.filter { $0.watch == entry.watch && SourceGroups.folder(of: $0) == relative }.map(\.fileName))
        let answer = orderSettling(entry.watch, folder, known)
        cache[folder] = answer
        return answer
    }

    /// A file that belongs to a drop of several sources (issue 17 item 1): what the drop does
    /// with it; nil for any other file, which the book pairs as ever.
    mutating func receiveSourceMember(
        _ verdict: Verdict, entry: InboxEntry, claimID: Int64, now: Duration, waits: Waits
    ) -> [PairingAction]? {
        if let folder = SourceGroups.kitFolder(of: entry) {
            return sources.receive(verdict, entry: entry, claimID: claimID, folder: folder, now: now, waits: waits)
        }
        switch verdict {
        case .order(let order, let text, _) where !order.sources.isEmpty:
            let claimed = ClaimedOrder(entry: entry, claimID: claimID, order: order, text: text)
            let folder = SourceGroups.folder(of: entry)
            var group = SourceGroups.OrderGroup(
                order: claimed, deadline: now + waits.image, limit: now + waits.image + max(waits.image, waits.settle * 3))
            for image in takeWaitingImages(watch: entry.watch, folder: folder, names: order.sources) {
                group.images[image.entry.fileName] = image
            }
            // A named image rejected before the order came (and remembered for its sidecar).
            for name in group.missing {
                let stem = (name as NSString).deletingPathExtension
                let key = "\(entry.watch)/\(folder.isEmpty ? "" : folder + "/")\(stem)"
                if let partner = rejectedPartners[key], !partner.isOrder, partner.fileName == name {
                    return SourceGroups.refuse(
                        group,
                        RefkitError(.orderSourceRejected, "one of the order's sources was rejected", detail: "\(name): \(partner.code)"))
                }
            }
            return sources.addOrder(group, now: now)
        case .image(let facts, let bytes):
            guard let key = sources.orderGroupKey(naming: entry) else { return nil }
            return sources.add(ClaimedImage(entry: entry, claimID: claimID, facts: facts, bytes: bytes), toOrder: key, now: now)
        case .rejected(let error) where !entry.looksLikeOrder:
            guard let key = sources.orderGroupKey(naming: entry) else { return nil }
            return [.reject(entry, claimID: claimID, error)] + sources.sourceRejected(entry, code: error.code.rawValue, orderKey: key)
        default:
            return nil
        }
    }
}
