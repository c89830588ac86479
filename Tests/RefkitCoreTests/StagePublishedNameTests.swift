import RefkitCore
import Testing

@Suite("Stage published file names")
struct StagePublishedNameTests {
    @Test func theNameKeepsTheWorkFilesExtension() {
        #expect(Stage.front.publishedFileName(workFile: "work/k1/front-3.webp") == "front.webp")
        #expect(Stage.expression("smile").publishedFileName(workFile: "work/k1/x.png") == "expressions/smile.png")
        #expect(Stage.candidate(2).publishedFileName(workFile: "work/k1/c2.jpg", suffix: ".prev") == "candidates/avatar-2.prev.jpg")
        #expect(Stage.side.publishedFileName(workFile: "work/k1.d/side") == "side.png", "no extension: png")
        #expect(Stage.side.publishedFileName(workFile: "work/.hidden") == "side.png")
    }
}
