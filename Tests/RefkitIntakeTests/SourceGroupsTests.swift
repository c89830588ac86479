import RefkitCore
import RefkitWatch
import Testing

@testable import RefkitIntake

/// Issue 17 item 1's intake rules as values: an order's `sources` and `NAME.kit` folders, with
/// no file system, database or clock (`PairingBookTests`' helpers: plain milliseconds).
@Suite("Intake: several sources for one character")
struct SourceGroupsTests {
    typealias T = PairingBookTests

    static func sources(_ names: String..., kit: String? = nil) -> PairingBook.Verdict {
        T.order(kit: kit) { $0.sources = names }
    }

    static func due(_ book: inout PairingBook, at: Int, present: Set<String> = [], unsettled: Set<String> = []) -> [String] {
        T.lines(
            book.due(
                now: T.ms(at), sidecarPresent: { present.contains($0) }, unsettled: { _, folder, _ in unsettled.contains(folder) }))
    }

    @Test("the NAME.kit rule: a folder whose name ends in .kit, directly holding the file, names the kit")
    func kitFolderRule() {
        #expect(SourceGroups.kitFolder(of: T.entry("mira.kit/1.jpg")) == "mira.kit")
        #expect(SourceGroups.kitFolder(of: T.entry("people/Mira Rose.KIT/a.png")) == "people/Mira Rose.KIT")
        #expect(SourceGroups.kitFolder(of: T.entry("mira.kit/more/1.jpg")) == nil)
        #expect(SourceGroups.kitFolder(of: T.entry("mira/1.jpg")) == nil)
        #expect(SourceGroups.kitFolder(of: T.entry("mira.jpg")) == nil)
        #expect(SourceGroups.kitFolder(of: T.entry(".kit/1.jpg")) == nil)
        #expect(SourceGroups.kitName(ofFolder: "Mira Rose.KIT") == "Mira Rose")
        #expect(SourceGroups.kitName(ofFolder: "mira.kits") == nil)
    }

    @Test("an order with sources first, its images after: one kit, the images in the order's order")
    func orderFirst() {
        var book = T.book()
        #expect(T.receive(&book, "mira.json", Self.sources("c.jpg", "a.jpg", "b.jpg"), at: 0) == ["wait mira.json 800"])
        #expect(T.receive(&book, "a.jpg", T.image, at: 100) == ["wait a.jpg 700"])
        #expect(T.receive(&book, "b.jpg", T.image, at: 150) == ["wait b.jpg 650"])
        #expect(book.pendingCount == 3)
        #expect(T.receive(&book, "c.jpg", T.image, at: 200) == ["sources c.jpg,a.jpg,b.jpg+mira.json"])
        #expect(book.pendingCount == 0)
        #expect(book.nextDeadline == nil)
    }

    @Test("images first, waiting for sidecars of their own: the order takes them from the book")
    func imagesFirst() {
        var book = T.book()
        #expect(T.receive(&book, "sub/a.jpg", T.image, at: 0) == ["wait sub/a.jpg 300"])
        #expect(T.receive(&book, "sub/b.jpg", T.image, at: 10) == ["wait sub/b.jpg 300"])
        #expect(T.receive(&book, "a.jpg", T.image, at: 20) == ["wait a.jpg 300"])  // another folder: not taken
        #expect(T.receive(&book, "sub/mira.json", Self.sources("a.jpg", "b.jpg"), at: 100) == ["sources sub/a.jpg,sub/b.jpg+sub/mira.json"])
        #expect(Self.due(&book, at: 320) == ["accept a.jpg+-"])
    }

    @Test("an image whose folder holds an order not yet judged waits for it (it may name the image), up to the image wait")
    func imageWaitsForASettlingOrder() {
        var book = T.book()
        _ = T.receive(&book, "a.jpg", T.image, at: 0)
        _ = T.receive(&book, "b.json", T.order(), at: 0)  // waits for b.png: known, not waited for
        var asked: [Set<String>] = []
        let due = { (book: inout PairingBook, at: Int, settling: Bool) in
            T.lines(
                book.due(
                    now: T.ms(at), sidecarPresent: { _ in false },
                    orderSettling: { _, _, known in
                        asked.append(known)
                        return settling
                    }))
        }
        #expect(due(&book, 300, true).isEmpty)
        #expect(asked == [["b.json"]])
        #expect(book.nextDeadline == T.ms(500))
        #expect(due(&book, 500, false) == ["accept a.jpg+-"])
        var late = T.book()
        _ = T.receive(&late, "a.jpg", T.image, at: 0)
        #expect(due(&late, 300, true).isEmpty)
        #expect(due(&late, 1100, true) == ["accept a.jpg+-"], "bounded: 300 + image wait 800")
    }

    @Test("a named source that does not come: the order and what it gathered are rejected, each with its code")
    func missingSource() {
        var book = T.book()
        _ = T.receive(&book, "mira.json", Self.sources("a.jpg", "b.jpg"), at: 0)
        _ = T.receive(&book, "a.jpg", T.image, at: 10)
        #expect(Self.due(&book, at: 799).isEmpty)
        // b.jpg is in the inbox, still settling: waited for.
        #expect(Self.due(&book, at: 800, present: ["/inbox/b.jpg"]).isEmpty)
        #expect(book.nextDeadline == T.ms(1000))
        #expect(Self.due(&book, at: 1000) == ["reject mira.json order_source_missing", "reject a.jpg source_sibling_rejected"])
        #expect(book.pendingCount == 0)
    }

    @Test("a named source rejected, before or after the order: the order is rejected with it")
    func rejectedSource() {
        var book = T.book()
        _ = T.receive(&book, "mira.json", Self.sources("a.jpg", "b.jpg"), at: 0)
        _ = T.receive(&book, "a.jpg", T.image, at: 10)
        #expect(
            T.receive(&book, "b.jpg", T.rejected("source_corrupt"), at: 20) == [
                "reject b.jpg source_corrupt", "reject mira.json order_source_rejected", "reject a.jpg source_sibling_rejected",
            ])
        var early = T.book()
        #expect(T.receive(&early, "b.jpg", T.rejected("source_corrupt"), at: 0) == ["reject b.jpg source_corrupt"])
        #expect(T.receive(&early, "mira.json", Self.sources("a.jpg", "b.jpg"), at: 50) == ["reject mira.json order_source_rejected"])
    }

    @Test("a NAME.kit folder is one character once no file came for the wait and none is settling; name order, numbers as numbers")
    func kitFolder() {
        var book = T.book()
        #expect(T.receive(&book, "mira.kit/10.jpg", T.image, at: 0) == ["wait mira.kit/10.jpg 300"])
        _ = T.receive(&book, "mira.kit/2.jpg", T.image, at: 100)
        _ = T.receive(&book, "mira.kit/order.json", T.order(), at: 150)
        #expect(Self.due(&book, at: 449).isEmpty)
        #expect(Self.due(&book, at: 450, unsettled: ["/inbox/mira.kit"]).isEmpty)
        #expect(book.nextDeadline == T.ms(650))
        _ = T.receive(&book, "mira.kit/1.jpg", T.image, at: 500)
        #expect(Self.due(&book, at: 799).isEmpty)
        #expect(Self.due(&book, at: 800) == ["sources mira.kit/1.jpg,mira.kit/2.jpg,mira.kit/10.jpg+mira.kit/order.json kit mira"])
        #expect(book.pendingCount == 0)
    }

    @Test("a NAME.kit folder with a rejected file, a second order, no image or too many: every file refused")
    func kitFolderRefused() {
        var book = T.book()
        _ = T.receive(&book, "a.kit/1.jpg", T.image, at: 0)
        #expect(T.receive(&book, "a.kit/2.jpg", T.rejected("source_corrupt"), at: 10) == ["reject a.kit/2.jpg source_corrupt"])
        _ = T.receive(&book, "b.kit/order.json", T.order(), at: 0)
        #expect(
            T.receive(&book, "b.kit/x.json", T.order(), at: 5) == ["reject b.kit/x.json order_duplicate_sidecar"])
        _ = T.receive(&book, "c.kit/order.json", T.order(), at: 0)
        for n in 1...17 { _ = T.receive(&book, "d.kit/\(n).jpg", T.image, at: 0) }
        let refused = Self.due(&book, at: 400).sorted()
        #expect(refused.filter { $0.hasPrefix("reject a.kit/") } == ["reject a.kit/1.jpg source_sibling_rejected"])
        #expect(refused.filter { $0.hasPrefix("reject b.kit/") } == ["reject b.kit/order.json source_sibling_rejected"])
        #expect(refused.filter { $0.hasPrefix("reject c.kit/") } == ["reject c.kit/order.json order_without_image"])
        #expect(refused.filter { $0.hasPrefix("reject d.kit/") }.count == 17)
        #expect(refused.allSatisfy { !$0.hasPrefix("reject d.kit/") || $0.hasSuffix("source_too_many") })
        #expect(book.pendingCount == 0)
    }

    @Test("a file rewritten while its folder or its order waits: the newer one counts, the older claim is let go")
    func superseded() {
        var book = T.book()
        _ = T.receive(&book, "m.kit/1.jpg", T.image, at: 0)
        #expect(T.receive(&book, "m.kit/1.jpg", T.image, at: 50) == ["superseded m.kit/1.jpg", "wait m.kit/1.jpg 300"])
        #expect(Self.due(&book, at: 350) == ["sources m.kit/1.jpg+- kit m"])
        _ = T.receive(&book, "o.json", Self.sources("a.jpg", "b.jpg"), at: 400)
        _ = T.receive(&book, "a.jpg", T.image, at: 410)
        #expect(T.receive(&book, "a.jpg", T.image, at: 420) == ["superseded a.jpg", "wait a.jpg 780"])
        #expect(book.pendingCount == 2)
    }

    @Test("a folder order may not name sources, a face swap or control: the folder is refused")
    func kitFolderOrderProblems() {
        #expect(SourceGroups.folderOrderProblem(Order(), existing: nil) == nil)
        var swap = Order(kit: "k")
        swap.faceSwap = Order.FaceSwap(target: "x.jpg")
        #expect(SourceGroups.folderOrderProblem(swap, existing: nil)?.code == .orderInvalidValue)
        var listed = Order()
        listed.sources = ["a.jpg"]
        #expect(SourceGroups.folderOrderProblem(listed, existing: nil)?.code == .orderInvalidValue)
    }
}
