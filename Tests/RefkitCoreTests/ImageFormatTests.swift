import RefkitCore
import Testing

/// The one MIME type / file extension table.
@Suite struct ImageFormatTests {
    @Test(arguments: ImageFormat.allCases)
    func mimeAndExtensionRoundTrip(format: ImageFormat) {
        #expect(ImageFormat(mime: format.mime) == format)
        #expect(ImageFormat(fileExtension: format.fileExtension) == format)
    }

    @Test func theNamesUsersAndServersSpell() {
        #expect(ImageFormat.jpeg.mime == "image/jpeg" && ImageFormat.jpeg.fileExtension == "jpg")
        #expect(ImageFormat.heic.mime == "image/heic" && ImageFormat.heif.mime == "image/heif")
        #expect(ImageFormat(mime: "IMAGE/JPG") == .jpeg)
        #expect(ImageFormat(fileExtension: "JPEG") == .jpeg)
        #expect(ImageFormat(mime: "image/svg+xml") == nil)
        #expect(ImageFormat(fileExtension: "bin") == nil)
    }
}
