import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitWatch

/// Takes settled inbox entries in: claims each once, judges it, pairs images with sidecar
/// orders (in either order of arrival, with timeouts), records accepted drops in the store with
/// their originals in the state directory, and moves everything else to `rejected/`. What it
/// did is published on `events`.
///
/// The pairing rules are a value (`PairingBook`); this actor performs what the book decides,
/// and arms one timer, on the clock it was given, for the book's next deadline.
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

    let watches: [String: Configuration.Watch]
    private let configuration: Configuration
    let database: RefkitDatabase
    private let inspector: Inspector
    let originals: OriginalStore
    /// The most a rejected file is copied when `rejected/` is on another file system.
    let maxCopyBytes: Int64
    let logger: Logger
    private let timeline: Timeline

    /// What intake did, for any number of subscribers; finished by `shutdown()`.
    public nonisolated let events = EventBroadcast<IntakeEvent>()

    private var book: PairingBook
    private var inFlight = 0
    /// The one pairing timer: armed for the book's next deadline, re-armed when that changes.
    private var timer: Task<Void, Never>?
    private var timerDeadline: Duration?
    /// Tells a timer that fired from one cancelled or replaced since.
    private var timerArming = 0
    private var stopped = false

    /// Counts since start, for status and tests.
    public internal(set) var accepted = 0
    public internal(set) var rejected = 0
    public internal(set) var duplicates = 0

    /// `clock` times the pairing waits (`sidecar_wait_ms`, `image_wait_ms`).
    public init(
        configuration: Configuration, database: RefkitDatabase, logger: Logger, clock: some Clock<Duration> = ContinuousClock()
    ) throws(RefkitError) {
        let watches = Dictionary(uniqueKeysWithValues: configuration.watches.map { ($0.name, $0) })
        self.watches = watches
        self.configuration = configuration
        self.database = database
        self.inspector = try Inspector(limits: IntakeLimits(configuration.limits))
        self.originals = OriginalStore(stateDir: configuration.stateDir)
        self.maxCopyBytes = Int64(configuration.limits.maxSourceBytes)
        self.logger = logger
        self.timeline = Timeline(clock)
        self.book = PairingBook(waits: watches.mapValues(PairingBook.Waits.init))
    }

    deinit {
        // Ends the subscribers' streams when intake goes away without `shutdown()` (a generation never run).
        events.finish()
    }

    /// Nothing waiting for a partner and nothing being handled.
    public var isIdle: Bool { book.pendingCount == 0 && inFlight == 0 }

    /// Images and orders waiting for their partner.
    public var pendingCount: Int { book.pendingCount }

    /// Stops the pairing timer and ends `events` (pending pairs stay claimed in memory only;
    /// their files are still in the inbox and are taken again at the next start).
    public func shutdown() {
        stopped = true
        disarmTimer()
        events.finish()
    }

    /// Handles one settled entry.
    public func handle(_ entry: InboxEntry) {
        guard let watch = watches[entry.watch] else { return }
        inFlight += 1
        defer {
            inFlight -= 1
            events.publish(.stepFinished(waiting: book.pendingCount))
        }
        let identity = FileIdentity(
            watch: entry.watch, path: entry.relativePath, device: entry.device, inode: entry.inode, size: entry.size,
            mtimeNanos: entry.mtimeNanos)
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
            logger.error(
                "cannot claim an inbox file", metadata: ["watch": "\(entry.watch)", "file": "\(entry.relativePath)", "error": "\(error)"])
            return
        }

        let verdict: PairingBook.Verdict
        switch inspector.inspect(entry) {
        case .changed:
            try? database.releaseClaim(id: claimID)
            return
        case .rejected(let error):
            verdict = .rejected(error)
        case .image(let facts, let bytes):
            verdict = .image(facts, bytes: bytes)
        case .order(let order, let text):
            // An order the configured providers cannot make is refused now, with its image, rather
            // than queued as a kit whose every stage would fail.
            if let problem = configuration.providerProblem(for: order, watch: watch.name, database: database) {
                verdict = .rejected(problem)
            } else {
                verdict = .order(order, text: text, namesKnownKit: namesKnownKit(order, watch: watch))
            }
        }
        perform(book.receive(verdict, entry: entry, claimID: claimID, now: timeline.now()))
    }

    /// Whether `order` names a kit of `watch` that exists: asked only of an order that may wait
    /// for its image (the book shortens a follow-up's wait).
    private func namesKnownKit(_ order: Order, watch: Configuration.Watch) -> Bool {
        guard !order.isControl, !order.isTextOnlyPlan, order.faceSwap == nil, let name = order.kit else { return false }
        return (try? database.kit(named: name, watch: watch.name)) != nil
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
            let earlier = RefkitError(.sourceRejectedEarlier, "this file was rejected before", detail: entry.relativePath)
            _ = try? quarantine(watch).reject(entry, earlier)
        }
    }

    // MARK: - Carrying out the book's decisions

    private func perform(_ actions: [PairingAction]) {
        for action in actions {
            switch action {
            case .accept(let image, let order):
                guard let watch = watches[(image?.entry ?? order?.entry)?.watch ?? ""] else { continue }
                acceptDrop(image: image, order: order, watch: watch)
            case .reject(let entry, let claimID, let error):
                guard let watch = watches[entry.watch] else { continue }
                reject(entry, claimID: claimID, error, watch: watch)
            case .applyControl(let order):
                guard let watch = watches[order.entry.watch] else { continue }
                applyControl(order, watch: watch)
            case .orderAlone(let order, let name):
                guard let watch = watches[order.entry.watch] else { continue }
                if let kit = try? database.kit(named: name, watch: watch.name) {
                    acceptFollowUp(order, kit: kit, watch: watch)
                } else {
                    let error = RefkitError(
                        .orderKitUnknown, "the order names a kit that does not exist, and no image came with it",
                        detail: "no kit \"\(name)\" in watch \(watch.name); waited \(watch.imageWaitMs) ms for "
                            + "\(order.entry.stem).{jpg,png,webp,heic,avif}")
                    reject(order.entry, claimID: order.claimID, error, watch: watch)
                }
            case .superseded(let entry, let claimID):
                try? database.releaseClaim(id: claimID)
                logger.info(
                    "a waiting file was replaced by a newer one, which is taken instead",
                    metadata: ["watch": "\(entry.watch)", "file": "\(entry.relativePath)"])
            case .acceptSources(let images, let order, let kitName, let folder):
                guard let watch = watches[(images.first?.entry ?? order?.entry)?.watch ?? ""] else { continue }
                acceptSources(images: images, order: order, kitName: kitName, folder: folder, watch: watch)
            case .waiting(let entry, let wait):
                let metadata: Logger.Metadata = [
                    "watch": "\(entry.watch)", "file": "\(entry.relativePath)", "wait_ms": "\(Int(wait / .milliseconds(1)))",
                ]
                if entry.looksLikeOrder {
                    logger.debug("order waits for its image", metadata: metadata)
                } else {
                    logger.debug("image waits for its sidecar", metadata: metadata)
                }
                events.publish(.waiting(watch: entry.watch, file: entry.relativePath))
            }
        }
        armTimer()
    }

    // MARK: - The pairing timer

    /// Arms the timer for the book's next deadline, unless it is armed for that already.
    private func armTimer() {
        let next = book.nextDeadline
        guard !stopped, next != timerDeadline else { return }
        disarmTimer()
        guard let next else { return }
        timerDeadline = next
        let arming = timerArming
        let timeline = self.timeline
        timer = Task { [weak self] in
            do { try await timeline.sleep(next) } catch { return }
            await self?.timerFired(arming)
        }
    }

    private func disarmTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        timerArming += 1
    }

    private func timerFired(_ arming: Int) {
        guard arming == timerArming, !stopped else { return }
        timer = nil
        timerDeadline = nil
        // A sidecar still settling is in the inbox but not yet judged: the book waits for it a little.
        perform(
            book.due(
                now: timeline.now(), sidecarPresent: { FileSystem.lstatEntry($0) != nil },
                unsettled: { [watches] in Self.holdsUnsettled(folder: $1, known: $2, watch: watches[$0]) },
                orderSettling: { [watches] in Self.holdsUnsettled(folder: $1, known: $2, watch: watches[$0], ordersOnly: true) }))
        events.publish(.stepFinished(waiting: book.pendingCount))
    }

    // MARK: - Rejections

    func reject(_ entry: InboxEntry, claimID: Int64, _ error: RefkitError, watch: Configuration.Watch) {
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
            try database.recordRejection(
                claims: [claimID], watch: watch, subject: subject, code: error.code.rawValue, message: error.message)
            events.publish(.rejected(watch: watch, file: subject, code: error.code.rawValue))
        } catch {
            logger.error("cannot move a rejected file", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            try? database.releaseClaim(id: claimID)
        }
    }

    func quarantine(_ watch: Configuration.Watch) -> Quarantine { Quarantine(root: watch.rejected, maxCopyBytes: maxCopyBytes) }

    /// Removes the inbox entry only if it is still the very file that was taken in.
    func unlinkIfUnchanged(_ entry: InboxEntry) -> Bool {
        guard let st = FileSystem.lstatEntry(entry.path), entry.matches(st) else { return false }
        guard unlink(entry.path) == 0 else { return false }
        FileSystem.fsyncPath((entry.path as NSString).deletingLastPathComponent, directory: true)
        return true
    }
}

extension PairingBook.Waits {
    init(_ watch: Configuration.Watch) {
        self.init(
            sidecar: .milliseconds(watch.sidecarWaitMs), image: .milliseconds(watch.imageWaitMs), settle: .milliseconds(watch.settleMs))
    }
}
