import Testing

@testable import RefkitImaging

@Suite("verifyDecode")
struct VerifyDecodeTests {
    @Test("intact JPEG and PNG decode")
    func intact() throws {
        try ImageOps.verifyDecode(Fixtures.jpeg())
        try ImageOps.verifyDecode(Fixtures.png())
    }

    @Test("a JPEG cut in half is truncated")
    func truncatedJPEG() throws {
        let cut = Fixtures.cutInHalf(try Fixtures.jpeg(640, 480))
        _ = try ImageOps.probe(cut)  // the header alone still reads
        let error = #expect(throws: ImagingError.self) { try ImageOps.verifyDecode(cut) }
        #expect(error?.code == "image_truncated")
        #expect(error?.detail.isEmpty == false)
    }

    @Test("a PNG cut in half is truncated")
    func truncatedPNG() throws {
        let cut = Fixtures.cutInHalf(try Fixtures.png(640, 480))
        _ = try ImageOps.probe(cut)
        let error = #expect(throws: ImagingError.self) { try ImageOps.verifyDecode(cut) }
        #expect(error?.code == "image_truncated")
    }

    @Test("a JPEG header followed by garbage is rejected")
    func garbageAfterHeader() throws {
        let damaged = Fixtures.jpegWithGarbageAfterHeader(try Fixtures.jpeg(640, 480))
        let error = #expect(throws: ImagingError.self) { try ImageOps.verifyDecode(damaged) }
        #expect(["image_truncated", "image_corrupt"].contains(error?.code ?? ""))
    }

    @Test("the 100000 x 100000 PNG with one byte of data fails to decode")
    func hugePNGFails() {
        let bytes = Fixtures.pngDeclaring(width: 100_000, height: 100_000)
        #expect(throws: ImagingError.self) { try ImageOps.verifyDecode(bytes) }
    }
}
