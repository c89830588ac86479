import RefkitCore
import RefkitWatch
import Testing

@testable import RefkitIntake

/// The pairing rules as a value: no file system, no database, no clock. Time is plain
/// milliseconds since an origin; each action is summarised as one line to compare.
@Suite("Intake: pairing book")
struct PairingBookTests {
    static let waits = PairingBook.Waits(sidecar: .milliseconds(300), image: .milliseconds(800), settle: .milliseconds(200))

    static func book() -> PairingBook { PairingBook(waits: ["in": waits, "other": waits]) }

    static func entry(_ relativePath: String, watch: String = "in") -> InboxEntry {
        InboxEntry(
            watch: watch, path: "/inbox/\(relativePath)", relativePath: relativePath, kind: .regular, size: 10, mtimeNanos: 1, inode: 7,
            device: 1, linkCount: 1)
    }

    static let facts = SourceFacts(format: .png, width: 64, height: 64, sha256: "ab", bytes: 10)
    static let image = PairingBook.Verdict.image(facts, bytes: [1])

    static func order(kit: String? = nil, knownKit: Bool = false, _ change: (inout Order) -> Void = { _ in }) -> PairingBook.Verdict {
        var order = Order(kit: kit)
        change(&order)
        return .order(order, text: Array("{}".utf8), namesKnownKit: knownKit)
    }

    static func rejected(_ code: String) -> PairingBook.Verdict { .rejected(RefkitError(.init(rawValue: code), "bad")) }

    static func ms(_ n: Int) -> Duration { .milliseconds(n) }

    /// One line per action: `accept a.png+a.json`, `reject a.json order_without_image`, `wait a.png 300`, ...
    static func lines(_ actions: [PairingAction]) -> [String] {
        actions.map { action in
            switch action {
            case .accept(let image, let order):
                "accept " + [image?.entry.relativePath, order?.entry.relativePath].map { $0 ?? "-" }.joined(separator: "+")
            case .reject(let entry, _, let error): "reject \(entry.relativePath) \(error.code)"
            case .applyControl(let order): "control \(order.entry.relativePath)"
            case .orderAlone(let order, let kit): "alone \(order.entry.relativePath) kit \(kit)"
            case .superseded(let entry, _): "superseded \(entry.relativePath)"
            case .waiting(let entry, let wait): "wait \(entry.relativePath) \(Int(wait / .milliseconds(1)))"
            case .acceptSources(let images, let order, let kitName, _):
                "sources " + images.map(\.entry.relativePath).joined(separator: ",") + "+" + (order?.entry.relativePath ?? "-")
                    + (kitName.map { " kit \($0)" } ?? "")
            }
        }
    }

    /// Hands `verdict` for `path` in at `at` ms; claim ids count up from 1.
    static func receive(
        _ book: inout PairingBook, _ path: String, _ verdict: PairingBook.Verdict, at: Int, watch: String = "in"
    )
        -> [String]
    {
        lines(book.receive(verdict, entry: entry(path, watch: watch), claimID: Int64(at + 1), now: ms(at)))
    }

    static func due(_ book: inout PairingBook, at: Int, sidecarPresent: Set<String> = []) -> [String] {
        lines(book.due(now: ms(at)) { sidecarPresent.contains($0) })
    }

    @Test("image first, then its sidecar within sidecar_wait_ms: paired")
    func imageFirst() {
        var book = Self.book()
        #expect(Self.receive(&book, "mira.png", Self.image, at: 0) == ["wait mira.png 300"])
        #expect(book.nextDeadline == Self.ms(300))
        #expect(Self.due(&book, at: 299).isEmpty)
        #expect(Self.receive(&book, "mira.json", Self.order(kit: "Mira"), at: 200) == ["accept mira.png+mira.json"])
        #expect(book.pendingCount == 0)
        #expect(book.nextDeadline == nil)
    }

    @Test("sidecar first, then its image within image_wait_ms: paired")
    func sidecarFirst() {
        var book = Self.book()
        #expect(Self.receive(&book, "mira.json", Self.order(kit: "Mira"), at: 0) == ["wait mira.json 800"])
        #expect(Self.due(&book, at: 799).isEmpty)
        #expect(Self.receive(&book, "mira.jpg", Self.image, at: 700) == ["accept mira.jpg+mira.json"])
        #expect(book.pendingCount == 0)
    }

    @Test("an image alone is taken with the default order at sidecar_wait_ms")
    func imageAlone() {
        var book = Self.book()
        _ = Self.receive(&book, "solo.jpg", Self.image, at: 0)
        #expect(Self.due(&book, at: 300) == ["accept solo.jpg+-"])
        #expect(book.pendingCount == 0)
    }

    @Test("a sidecar still settling at the image's deadline is waited for, up to image_wait_ms")
    func sidecarSettling() {
        var book = Self.book()
        _ = Self.receive(&book, "mira.jpg", Self.image, at: 0)
        #expect(Self.due(&book, at: 300, sidecarPresent: ["/inbox/mira.json"]).isEmpty)
        #expect(book.nextDeadline == Self.ms(500), "re-checked one settle time later")
        #expect(Self.due(&book, at: 500, sidecarPresent: ["/inbox/mira.json"]).isEmpty)
        #expect(Self.receive(&book, "mira.json", Self.order(), at: 600) == ["accept mira.jpg+mira.json"])

        _ = Self.receive(&book, "kai.jpg", Self.image, at: 1000)
        // The sidecar never settles: the image is taken alone at its first deadline + image_wait_ms.
        for at in [1300, 1500, 1700, 1900] {
            #expect(Self.due(&book, at: at, sidecarPresent: ["/inbox/kai.json"]).isEmpty)
        }
        #expect(book.nextDeadline == Self.ms(2100))
        #expect(Self.due(&book, at: 2100, sidecarPresent: ["/inbox/kai.json"]) == ["accept kai.jpg+-"])
    }

    @Test("an order alone: without image, a face swap without its target, or naming a kit (a follow-up)")
    func orderAlone() {
        var book = Self.book()
        _ = Self.receive(&book, "lost.json", Self.order(), at: 0)
        _ = Self.receive(&book, "swap.json", Self.order(kit: "Mira") { $0.faceSwap = .init(target: "swap.png") }, at: 0)
        _ = Self.receive(&book, "more.json", Self.order(kit: "Mira"), at: 0)
        #expect(Self.due(&book, at: 799).isEmpty)
        let actions = book.due(now: Self.ms(800)) { _ in false }
        #expect(
            Set(Self.lines(actions)) == [
                "reject lost.json order_without_image", "reject swap.json order_face_swap_without_image", "alone more.json kit Mira",
            ])
        let lost = actions.compactMap {
            if case .reject(let entry, _, let error) = $0, entry.fileName == "lost.json" { error } else { nil }
        }
        #expect(lost.first?.detail.hasPrefix("waited 800 ms for lost.{jpg,png,webp,heic,avif}") == true)
    }

    @Test("an order naming an existing kit waits the shorter wait, unless it is a face swap")
    func followUpWait() {
        var book = Self.book()
        #expect(Self.receive(&book, "more.json", Self.order(kit: "Mira", knownKit: true), at: 0) == ["wait more.json 300"])
        let swap = Self.order(kit: "Mira", knownKit: true) { $0.faceSwap = .init(target: "x.png") }
        #expect(Self.receive(&book, "x.json", swap, at: 0) == ["wait x.json 800"])
        #expect(Self.due(&book, at: 300) == ["alone more.json kit Mira"])
    }

    @Test("a control order acts at once; a text-only plan is taken at once")
    func immediateOrders() {
        var book = Self.book()
        #expect(Self.receive(&book, "pick.json", Self.order(kit: "Mira") { $0.select = 2 }, at: 0) == ["control pick.json"])
        let cast = Self.order { $0.characters = [.init(name: "Ada")] }
        #expect(Self.receive(&book, "cast.json", cast, at: 0) == ["accept -+cast.json"])
        #expect(book.pendingCount == 0)
    }

    @Test("a rejected sidecar takes its waiting image with it, and a rejected image its waiting order")
    func partnerRejectedWhileWaiting() {
        var book = Self.book()
        _ = Self.receive(&book, "a.png", Self.image, at: 0)
        #expect(
            Self.receive(&book, "a.json", Self.rejected("order_invalid_json"), at: 10) == [
                "reject a.json order_invalid_json", "reject a.png source_sidecar_invalid",
            ])
        _ = Self.receive(&book, "b.json", Self.order(), at: 20)
        #expect(
            Self.receive(&book, "b.png", Self.rejected("source_too_large"), at: 30) == [
                "reject b.png source_too_large", "reject b.json order_image_rejected",
            ])
        #expect(book.pendingCount == 0)
    }

    @Test("a rejected partner is remembered for as long as its counterpart would have waited")
    func partnerRejectedFirst() {
        var book = Self.book()
        // A bad sidecar first: an image within image_wait_ms is refused with it.
        _ = Self.receive(&book, "a.json", Self.rejected("order_invalid_json"), at: 0)
        #expect(Self.receive(&book, "a.png", Self.image, at: 799) == ["reject a.png source_sidecar_invalid"])
        // After the wait, the image is judged on its own.
        _ = Self.receive(&book, "b.json", Self.rejected("order_invalid_json"), at: 1000)
        #expect(Self.receive(&book, "b.png", Self.image, at: 1800) == ["wait b.png 300"])
        // A bad image first: its order within sidecar_wait_ms is refused with it.
        _ = Self.receive(&book, "c.png", Self.rejected("source_not_image"), at: 2000)
        #expect(Self.receive(&book, "c.json", Self.order(), at: 2299) == ["reject c.json order_image_rejected"])
        _ = Self.receive(&book, "d.png", Self.rejected("source_not_image"), at: 3000)
        #expect(Self.receive(&book, "d.json", Self.order(), at: 3300) == ["wait d.json 800"])
    }

    @Test("two images with one stem are both rejected: the sidecar cannot be paired")
    func sameStemTwice() {
        var book = Self.book()
        _ = Self.receive(&book, "mira.png", Self.image, at: 0)
        #expect(
            Self.receive(&book, "mira.jpg", Self.image, at: 10) == [
                "reject mira.png source_ambiguous_stem", "reject mira.jpg source_ambiguous_stem",
            ])
        #expect(book.pendingCount == 0)
        // The sidecar that follows finds no image: it waits for one of its own.
        #expect(Self.receive(&book, "mira.json", Self.order(), at: 20) == ["wait mira.json 800"])
    }

    @Test("a second sidecar for a waiting order is rejected on its own")
    func duplicateSidecar() {
        var book = Self.book()
        _ = Self.receive(&book, "mira.json", Self.order(), at: 0)
        #expect(Self.receive(&book, "mira.JSON", Self.order(), at: 10) == ["reject mira.JSON order_duplicate_sidecar"])
        #expect(book.pendingCount == 1)
    }

    @Test("a waiting file replaced under its name is dropped for the newer one")
    func superseded() {
        var book = Self.book()
        _ = Self.receive(&book, "mira.png", Self.image, at: 0)
        #expect(Self.receive(&book, "mira.png", Self.image, at: 100) == ["superseded mira.png", "wait mira.png 300"])
        #expect(book.nextDeadline == Self.ms(400))
        #expect(
            Self.receive(&book, "mira.png", Self.rejected("source_truncated"), at: 200) == [
                "superseded mira.png", "reject mira.png source_truncated",
            ])
        #expect(book.pendingCount == 0)
    }

    @Test("files pair only within one folder of one watch")
    func pairingScope() {
        var book = Self.book()
        _ = Self.receive(&book, "mira.png", Self.image, at: 0)
        #expect(Self.receive(&book, "sub/mira.json", Self.order(), at: 10) == ["wait sub/mira.json 800"])
        #expect(Self.receive(&book, "mira.json", Self.order(), at: 10, watch: "other") == ["wait mira.json 800"])
        #expect(book.pendingCount == 3)
        #expect(Self.receive(&book, "sub/mira.webp", Self.image, at: 20) == ["accept sub/mira.webp+sub/mira.json"])
    }

    @Test("due hands out expired waits earliest first and leaves the rest")
    func dueOrder() {
        var book = Self.book()
        _ = Self.receive(&book, "b.png", Self.image, at: 50)
        _ = Self.receive(&book, "a.png", Self.image, at: 0)
        _ = Self.receive(&book, "c.png", Self.image, at: 500)
        #expect(Self.due(&book, at: 400) == ["accept a.png+-", "accept b.png+-"])
        #expect(book.nextDeadline == Self.ms(800))
    }

    @Test("the sidecar looked for is the image's path with .json")
    func sidecarPath() {
        #expect(PairingBook.sidecarPath(of: Self.entry("sub/mira.v2.jpg")) == "/inbox/sub/mira.v2.json")
        #expect(PairingBook.sidecarPath(of: Self.entry("noext")) == "/inbox/noext.json")
    }
}
