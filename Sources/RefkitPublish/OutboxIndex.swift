import RefkitCore
import RefkitSystem

/// The outbox's own `index.html`: every kit published there, newest first, with its status and a
/// link to its gallery, for people who open the folder over a share without the daemon. Plain
/// HTML (no script), rewritten whole and atomically after each publish.
public enum OutboxIndex {
    /// The file's name at the outbox's root.
    public static let fileName = "index.html"

    /// One kit as the index lists it.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// The kit's folder, relative to the outbox.
        public var folder: String
        public var status: KitStatus
        public var createdAt: String
        /// A reference failed QA (`refkit kits --needs-review`).
        public var needsReview: Bool

        public init(name: String, folder: String, status: KitStatus, createdAt: String, needsReview: Bool = false) {
            self.name = name
            self.folder = folder
            self.status = status
            self.createdAt = createdAt
            self.needsReview = needsReview
        }
    }

    /// The page for `entries` (listed in the order given).
    public static func html(_ entries: [Entry], generatedAt: String) -> String {
        var page = HTMLText()
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>refkit outbox</title>\n")
        page.raw("<style>\(style)</style>\n</head>\n<body>\n<h1>Reference kits</h1>\n<p class=\"meta\">")
        page.text("\(entries.count) kit\(entries.count == 1 ? "" : "s") · updated \(generatedAt)")
        page.raw("</p>\n<table>\n<thead><tr><th>Kit</th><th>Status</th><th>Created</th><th>Sheet</th></tr></thead>\n<tbody>\n")
        for entry in entries {
            let folder = KitGallery.urlPath(entry.folder)
            page.raw("<tr data-kit-folder=\"")
            page.attribute(entry.folder)
            page.raw("\" data-status=\"\(entry.status.rawValue)\"><td><a href=\"\(folder)/\(KitPath.galleryName)\">")
            page.text(entry.name)
            page.raw("</a></td><td><span class=\"status \(entry.status.rawValue)\">")
            page.text(entry.status.rawValue.replacingOccurrences(of: "_", with: " "))
            page.raw("</span>")
            if entry.needsReview { page.raw(" <span class=\"review\">QA: needs review</span>") }
            page.raw("</td><td>")
            page.text(entry.createdAt)
            page.raw("</td><td><a href=\"\(folder)/\(KitPath.sheetName)\">sheet.png</a></td></tr>\n")
        }
        page.raw("</tbody>\n</table>\n</body>\n</html>\n")
        return page.output
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}\
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd}.meta{color:#666}\
        .status{padding:.1rem .45rem;border-radius:.3rem;background:#eee}.complete{background:#d7f0d9}\
        .partial{background:#fbe7c2}.failed{background:#f6d0d0}.awaiting_selection{background:#d8e6fb}\
        .review{color:#a33;font-weight:600}
        """
}

extension OutboxPublisher {
    /// Writes the outbox's `index.html` for `entries`, replacing the old one atomically.
    /// Errors: `disk_full`, `outbox_unwritable`.
    public func writeIndex(_ entries: [OutboxIndex.Entry], generatedAt: String) throws(RefkitError) {
        let bytes = Array(OutboxIndex.html(entries, generatedAt: generatedAt).utf8)
        do {
            try DurableFile.replace(at: "\(outbox)/\(OutboxIndex.fileName)", with: bytes)
        } catch {
            throw Syscall.failure(error)
        }
    }
}
