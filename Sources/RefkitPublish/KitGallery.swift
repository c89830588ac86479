import Foundation
import RefkitCore
import RefkitImaging
import RefkitQA

/// The kit's `index.html`: a static page that shows every reference, candidate and failure.
/// Self-contained (inline CSS, no scripts, no external resources); images by relative path; all
/// text from orders, providers and analyzers HTML-escaped.
enum KitGallery {
    static func html(for manifest: ManifestDocument, hasSheet: Bool) -> String {
        var page = HTMLText()
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<title>")
        page.text(manifest.kit)
        page.raw(" · refkit</title>\n")
        page.raw("<style>\(style)</style>\n</head>\n<body>\n")

        header(manifest, into: &page)
        if manifest.status == .awaitingSelection { selectionNotice(manifest, into: &page) }
        if !manifest.candidates.isEmpty {
            let title = manifest.status == .awaitingSelection ? "Avatar candidates: choose one" : "Avatar candidates"
            grid(title: title, images: manifest.candidates.enumerated().map { ("Candidate \($0.offset + 1)", $0.element) }, into: &page)
        }
        if !manifest.stages.isEmpty {
            grid(title: "References", images: manifest.stages.map { ($0.label, $0) }, into: &page)
        }
        sourceAndCharacter(manifest, into: &page)

        page.raw("<footer>")
        if hasSheet { page.raw("<a href=\"\(KitPath.sheetName)\">Contact sheet</a> · ") }
        page.raw("<a href=\"\(KitPath.manifestName)\">manifest.json</a> · refkit ")
        page.text(manifest.refkitVersion)
        page.raw("</footer>\n</body>\n</html>\n")
        return page.output
    }

    private static func header(_ manifest: ManifestDocument, into page: inout HTMLText) {
        let done = manifest.stages.filter { $0.status == .done }.count
        let failed = manifest.stages.filter { $0.status == .failed }.count
        page.raw("<header>\n<h1>")
        page.text(manifest.kit)
        page.raw("</h1>\n")
        page.raw("<p><span class=\"badge \(manifest.status.rawValue)\">")
        page.text(statusText(manifest.status))
        page.raw("</span> ")
        page.text("\(done) of \(manifest.stages.count) references done")
        if failed > 0 { page.text(", \(failed) failed") }
        page.text(" · cost $\(dollars(manifest.totals.costUSD)) · updated \(manifest.updatedAt)")
        page.raw("</p>\n")
        if let summary = manifest.qa.flatMap(QAKitSummary.init(json:)) {
            page.raw("<p class=\"qa-summary\">Quality checks: ")
            page.text(summary.line)
            page.raw("</p>\n")
        }
        if let locked = manifest.lockedReference {
            page.raw("<p>Locked reference: <a href=\"")
            page.attribute(urlPath(locked.file))
            page.raw("\">")
            page.text(locked.file)
            page.raw("</a> (")
            page.text(locked.how)
            page.raw(")</p>\n")
        }
        page.raw("</header>\n")
    }

    private static func selectionNotice(_ manifest: ManifestDocument, into page: inout HTMLText) {
        page.raw("<section class=\"notice\">\n<h2>Waiting for you to choose the avatar</h2>\n<p>This kit is paused until one of the ")
        page.text("\(manifest.candidates.count)")
        page.raw(" candidates below is chosen. Run <code>refkit select ")
        page.text(ShellWord.quoted(manifest.kit))
        page.raw(" N</code> with the candidate’s number; the other references are then made from it.</p>\n</section>\n")
    }

    private static func grid(title: String, images: [(label: String, image: ManifestImage)], into page: inout HTMLText) {
        page.raw("<section>\n<h2>")
        page.text(title)
        page.raw("</h2>\n<div class=\"grid\">\n")
        for (label, image) in images {
            page.raw("<figure class=\"\(image.status.rawValue)\(image.qa.map { " qa-" + $0.verdict.rawValue } ?? "")\">")
            if image.status == .done, let file = image.file {
                let src = urlPath(file) + (image.sha256.map { "?v=" + $0.prefix(12) } ?? "")
                page.raw("<a href=\"")
                page.attribute(urlPath(file))
                page.raw("\"><img src=\"")
                page.attribute(src)
                page.raw("\" alt=\"")
                page.attribute(label)
                page.raw("\" loading=\"lazy\"")
                if let width = image.width, let height = image.height { page.raw(" width=\"\(width)\" height=\"\(height)\"") }
                page.raw("></a>")
            } else {
                page.raw("<div class=\"empty\">")
                page.text(image.status.rawValue)
                page.raw("</div>")
            }
            page.raw("<figcaption><strong>")
            page.text(label)
            page.raw("</strong> <span class=\"badge \(image.status.rawValue)\">")
            page.text(image.status.rawValue)
            page.raw("</span>")
            if let qa = image.qa { qaMark(qa, into: &page) }
            if let error = image.error {
                page.raw("<span class=\"error\"><code>")
                page.text(error.code)
                page.raw("</code> ")
                page.text(error.message)
                page.raw("</span>")
            }
            page.raw("</figcaption></figure>\n")
        }
        page.raw("</div>\n</section>\n")
    }

    /// A reference's QA verdict as a badge whose title carries the reasons, and the reasons as text
    /// under it when a check warned or failed (a title alone is invisible on touch screens).
    private static func qaMark(_ qa: QANote, into page: inout HTMLText) {
        page.raw(" <span class=\"badge qa-\(qa.verdict.rawValue)\" title=\"")
        let quiet = qa.verdict == .skipped ? "no check could look at this image" : "no check warned or failed"
        page.attribute(qa.summary.isEmpty ? quiet : qa.summary)
        page.raw("\">QA ")
        page.text(qa.verdict.rawValue)
        page.raw("</span>")
        guard !qa.summary.isEmpty else { return }
        page.raw("<span class=\"qa-reason\">")
        page.text(qa.summary)
        page.raw("</span>")
    }

    private static func sourceAndCharacter(_ manifest: ManifestDocument, into page: inout HTMLText) {
        let character = manifest.character
        guard manifest.source != nil || character.name != nil || character.description != nil || !character.attributes.isEmpty else {
            return
        }
        page.raw("<section class=\"about\">\n<h2>Source and character</h2>\n")
        if let source = manifest.source {
            page.raw("<figure><a href=\"")
            page.attribute(urlPath(source.file))
            page.raw("\"><img src=\"")
            page.attribute(urlPath(source.file))
            page.raw("\" alt=\"source\" width=\"\(source.width)\" height=\"\(source.height)\"></a><figcaption>")
            page.text(source.originalName)
            page.raw("</figcaption></figure>\n")
        }
        page.raw("<dl>\n")
        if let name = character.name { row("name", name, nil, into: &page) }
        if let description = character.description { row("description", description, nil, into: &page) }
        for attribute in character.attributes { row(attribute.key, attribute.value, attribute.origin.rawValue, into: &page) }
        if case .object(let members)? = manifest.source?.provenance {
            for (key, value) in members {
                if case .string(let text) = value {
                    row(key, text, "provenance", into: &page)
                } else {
                    row(key, value.serialized, "provenance", into: &page)
                }
            }
        }
        page.raw("</dl>\n</section>\n")
    }

    private static func row(_ key: String, _ value: String, _ origin: String?, into page: inout HTMLText) {
        page.raw("<dt>")
        page.text(key.replacingUnderscores)
        page.raw("</dt><dd>")
        page.text(value)
        if let origin {
            page.raw(" <small>")
            page.text(origin)
            page.raw("</small>")
        }
        page.raw("</dd>\n")
    }

    private static func statusText(_ status: KitStatus) -> String {
        status == .awaitingSelection ? "awaiting selection" : status.rawValue
    }

    /// Cents always, tenths of a cent when there are any: `$0.20`, `$0.039`.
    private static func dollars(_ amount: Double) -> String {
        let tenthsOfCents = Int((amount * 1000).rounded())
        let whole = "\(tenthsOfCents / 1000).\(String(format: "%02d", tenthsOfCents % 1000 / 10))"
        return tenthsOfCents % 10 == 0 ? whole : whole + "\(tenthsOfCents % 10)"
    }

    /// A kit-relative path as a relative URL: every byte outside the unreserved set percent-encoded.
    static func urlPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Unicode.Scalar(byte)
            if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || "-._~/".unicodeScalars.contains(c) {
                out.unicodeScalars.append(c)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// The verdict badges in the contact sheet's colours (`ContactSheetBadge`), warned and failed figures framed in them.
    private static let qaStyle: String = QAVerdict.allCases.compactMap { verdict in
        guard let badge = ContactSheetBadge(verdict) else { return nil }
        let name = "qa-" + verdict.rawValue
        let frame = verdict >= .warn ? "figure.\(name){border:2px solid \(badge.fill.hex)}" : ""
        return ".badge.\(name){background:\(badge.fill.hex);color:\(badge.ink.hex)}" + frame
    }.joined()

    private static let style = """
        body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem;color:#222;background:#fafafa}\
        h1{margin:.2em 0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1rem}\
        figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem}\
        figure img{width:100%;height:auto;display:block}figure.failed{border-color:#c33}\
        .empty{aspect-ratio:1;display:flex;align-items:center;justify-content:center;background:#eee;color:#777}\
        figcaption{margin-top:.4rem;font-size:.9rem}.error{display:block;color:#a00;margin-top:.3rem}\
        .badge{font-size:.8rem;padding:.05em .5em;border-radius:1em;background:#ddd}\
        .badge.complete,.badge.done{background:#cfe8cf}.badge.failed{background:#f3c4c4}\
        .badge.partial,.badge.awaiting_selection{background:#f7e2a8}\
        .badge.qa-skipped{background:#e4e4e4;color:#555}\(qaStyle)\
        .qa-reason{display:block;margin-top:.3rem;font-size:.85rem;color:#555}.qa-summary{color:#444}\
        .notice{background:#fff4cc;border:2px solid #e0b000;border-radius:6px;padding:.2rem 1rem}\
        .about figure{max-width:320px;float:left;margin-right:1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\
        dt{font-weight:600}dd{margin:0}small{color:#777}footer{clear:both;margin-top:2rem;color:#777;font-size:.85rem}
        """
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
