import RefkitCivitai
import Testing

@Suite("Civitai error codes") struct CivitaiErrorCodeTests {
    @Test func everyCodeIsAUniqueWireStringOfTheCivitaiFamily() {
        let raw = CivitaiError.Code.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for code in raw {
            #expect(code.wholeMatch(of: #/[a-z][a-z0-9_]*/#) != nil, "\(code)")
            #expect(code.hasPrefix("civitai_"), "\(code)")
        }
    }

    @Test func failuresOfTheImageItselfArePermanent() {
        let permanent = Set(CivitaiError.Code.allCases.filter(\.isPermanent).map(\.rawValue))
        #expect(
            permanent == [
                "civitai_url_refused", "civitai_download_failed", "civitai_image_too_large", "civitai_not_image", "civitai_image_too_small",
            ])
        #expect(CivitaiError(.notImage, "no").isPermanent)
        #expect(!CivitaiError(.rateLimited, "later", retryable: true).isPermanent)
    }

    @Test func aCodeReadsAsItsWireString() {
        let error = CivitaiError(.urlRefused, "refused", detail: "file")
        #expect("\(error.code)" == "civitai_url_refused")
        #expect(error.description == "civitai_url_refused: refused (file)")
    }
}
