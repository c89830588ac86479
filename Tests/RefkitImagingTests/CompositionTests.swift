import Testing

@testable import RefkitImaging

@Suite("crop, canvases and contact sheets")
struct CompositionTests {
    @Test("attentionSquare is a size x size PNG")
    func attentionSquare() throws {
        let out = try ImageOps.attentionSquare(Fixtures.jpeg(800, 500), size: 256)
        #expect(out.width == 256 && out.height == 256 && out.mime == "image/png")
        let header = try ImageOps.probe(out.data)
        #expect(header.width == 256 && header.height == 256 && header.loader == "pngload_buffer")
        let small = try ImageOps.attentionSquare(Fixtures.png(100, 60), size: 128)
        #expect(small.width == 128 && small.height == 128)
    }

    @Test("labelledCanvas is deterministic and depends on label and seed")
    func labelledCanvas() throws {
        let input = try Fixtures.jpeg(640, 480)
        let first = try ImageOps.labelledCanvas(input, label: "PREVIEW · SIDE VIEW", width: 512, height: 640, seed: 3)
        let again = try ImageOps.labelledCanvas(input, label: "PREVIEW · SIDE VIEW", width: 512, height: 640, seed: 3)
        #expect(first.data == again.data)
        #expect(first.width == 512 && first.height == 640)
        let header = try ImageOps.probe(first.data)
        #expect(header.width == 512 && header.height == 640 && header.bands == 3)
        let otherLabel = try ImageOps.labelledCanvas(input, label: "PREVIEW · FRONT VIEW", width: 512, height: 640, seed: 3)
        let otherSeed = try ImageOps.labelledCanvas(input, label: "PREVIEW · SIDE VIEW", width: 512, height: 640, seed: 4)
        #expect(otherLabel.data != first.data)
        #expect(otherSeed.data != first.data)
    }

    @Test("labels with markup characters and very long labels still render")
    func awkwardLabels() throws {
        let input = try Fixtures.png(200, 200)
        _ = try ImageOps.labelledCanvas(input, label: "<b>Tom & Jerry</b> 'quoted'", width: 256, height: 256, seed: 0)
        _ = try ImageOps.labelledCanvas(input, label: String(repeating: "W", count: 300), width: 256, height: 256, seed: 0)
        _ = try ImageOps.labelledCanvas(input, label: "", width: 256, height: 256, seed: 0)
    }

    @Test("textCard is deterministic, sized, and varies with seed")
    func textCard() throws {
        let body = String(repeating: "A tall knight in dented armour, red cloak, scar over the left eye. ", count: 12)
        let card = try ImageOps.textCard(title: "Sir Brannoc <draft>", body: body, width: 768, height: 1024, seed: 9)
        let again = try ImageOps.textCard(title: "Sir Brannoc <draft>", body: body, width: 768, height: 1024, seed: 9)
        #expect(card.data == again.data)
        #expect(card.width == 768 && card.height == 1024)
        #expect(try ImageOps.probe(card.data).width == 768)
        let other = try ImageOps.textCard(title: "Sir Brannoc <draft>", body: body, width: 768, height: 1024, seed: 10)
        #expect(other.data != card.data)
    }

    @Test("contactSheet dimensions match the grid", arguments: [(5, 4), (2, 4), (8, 3)])
    func contactSheet(count: Int, columns: Int) throws {
        let items = try (0..<count).map { (bytes: try Fixtures.jpeg(200 + 10 * $0, 150, seed: UInt64($0)), label: "item \($0)") }
        let sheet = try ImageOps.contactSheet(items, columns: columns, cell: 128)
        let layout = ContactSheetLayout(count: count, columns: columns, cell: 128)
        #expect(sheet.width == layout.width && sheet.height == layout.height)
        #expect(layout.width == min(count, columns) * 128)
        #expect(layout.height == ((count + columns - 1) / columns) * (128 + layout.labelHeight))
        let header = try ImageOps.probe(sheet.data)
        #expect(header.width == layout.width && header.height == layout.height)
    }

    @Test("impossible requests are invalid arguments")
    func invalidArguments() throws {
        let input = try Fixtures.jpeg()
        let empty = #expect(throws: ImagingError.self) { try ImageOps.contactSheet([]) }
        #expect(empty?.code == "image_invalid_argument")
        #expect(throws: ImagingError.self) { try ImageOps.attentionSquare(input, size: 0) }
        #expect(throws: ImagingError.self) { try ImageOps.labelledCanvas(input, label: "x", width: 0, height: 10, seed: 0) }
        #expect(throws: ImagingError.self) { try ImageOps.synthesize(width: 64, height: 64, seed: 0, format: "bmp") }
        #expect(throws: ImagingError.self) { try ImageOps.synthesize(width: 64, height: 64, seed: 0, format: "png", orientation: 6) }
    }
}
