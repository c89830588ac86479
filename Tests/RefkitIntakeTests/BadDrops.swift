import Foundation
import RefkitTestSupport

/// One wrong thing a user or tool can drop into an inbox, and the error code intake must give it.
struct BadDrop: Sendable, CustomStringConvertible {
    var name: String
    var code: String
    var kind: FileFixtures.Kind
    /// Makes the entry in `inbox` (foreign files go to `outside`); returns the bytes a regular
    /// file holds, so the rejected copy can be compared.
    var make: @Sendable (_ inbox: String, _ outside: String) throws -> [UInt8]?

    var description: String { "\(name) -> \(code)" }
}

/// The catalogue of bad drops judged on their own (no pairing involved).
enum BadDrops {
    /// The byte limit the catalogue's configuration uses (`big.jpg` is over it, images are far under).
    static let maxSourceBytes = 100_000

    static func regular(_ name: String, _ code: String, _ bytes: @escaping @Sendable () throws -> [UInt8]) -> BadDrop {
        BadDrop(name: name, code: code, kind: .regular) { inbox, _ in
            let data = try bytes()
            try FileFixtures.write(data, to: "\(inbox)/\(name)")
            return data
        }
    }

    static func json(_ name: String, _ code: String, _ text: String) -> BadDrop {
        regular(name, code) { Array(text.utf8) }
    }

    static var all: [BadDrop] {
        [
            regular("empty.jpg", "source_empty") { [] },
            regular("cut.jpg", "source_corrupt") { ImageFixtures.truncated(try ImageFixtures.jpeg(seed: 901, width: 256, height: 192)) },
            regular("cut.png", "source_corrupt") { ImageFixtures.truncated(try ImageFixtures.png(seed: 902, width: 128, height: 96)) },
            regular("notes.jpg", "source_text_not_image") { BadInputs.text },
            regular("document.png", "source_pdf_not_image") { BadInputs.pdf },
            regular("drawing.svg", "source_svg_unsupported") { BadInputs.svg },
            regular("animation.gif", "source_gif_unsupported") { try ImageFixtures.image("gif", seed: 903) },
            regular("bitmap.bmp", "source_format_unsupported") { BadInputs.bmp },
            regular("scan.tiff", "source_format_unsupported") { BadInputs.tiff },
            regular("bomb.png", "source_too_many_pixels") { ImageFixtures.pngDeclaring(width: 100_000, height: 100_000) },
            regular("huge.jpg", "source_too_large") { BadInputs.noise(maxSourceBytes + 50_000) },
            // libmagic names a zip `application/zip`; intake calls that an archive.
            regular("archive.jpg", "source_archive_not_image") { BadInputs.zip },
            BadDrop(name: "pipe-link.jpg", code: "source_symlink", kind: .symlink) { inbox, outside in
                // A FIFO target: following the link and opening it would block (or show in its OpenSpy).
                try FileFixtures.makeFIFO(at: "\(outside)/target-fifo")
                try FileFixtures.makeSymlink(at: "\(inbox)/pipe-link.jpg", to: "\(outside)/target-fifo")
                return nil
            },
            BadDrop(name: "file-link.png", code: "source_symlink", kind: .symlink) { inbox, outside in
                try FileFixtures.write(try ImageFixtures.png(seed: 904), to: "\(outside)/target.png")
                try FileFixtures.makeSymlink(at: "\(inbox)/file-link.png", to: "\(outside)/target.png")
                return nil
            },
            BadDrop(name: "pipe.jpg", code: "source_fifo", kind: .fifo) { inbox, _ in
                try FileFixtures.makeFIFO(at: "\(inbox)/pipe.jpg")
                return nil
            },
            BadDrop(name: "socket.jpg", code: "source_socket", kind: .socket) { inbox, _ in
                try FileFixtures.makeSocket(at: "\(inbox)/socket.jpg")
                return nil
            },
            BadDrop(name: "folder.jpg", code: "source_directory", kind: .directory) { inbox, _ in
                try FileFixtures.write(try ImageFixtures.jpeg(seed: 905), to: "\(inbox)/folder.jpg/inside.jpg")
                return nil
            },
            BadDrop(name: "hard.jpg", code: "source_hard_link", kind: .regular) { inbox, outside in
                let bytes = try ImageFixtures.jpeg(seed: 906)
                try FileFixtures.write(bytes, to: "\(outside)/hard-original.jpg")
                try FileFixtures.makeHardLink(at: "\(inbox)/hard.jpg", to: "\(outside)/hard-original.jpg")
                return bytes
            },
            json("broken.json", "order_invalid_json", #"{"schema": "refkit.order/1", "kit": "#),
            json("list.json", "order_not_object", #"[{"kit": "mira"}]"#),
            json("unknown.json", "order_unknown_key", #"{"schema": "refkit.order/1", "colour": "red"}"#),
            json("wrongtype.json", "order_wrong_type", #"{"candidates": "three"}"#),
            json("escape.json", "order_unsafe_name", #"{"kit": "../../etc"}"#),
            json("stage.json", "order_invalid_value", #"{"stages": ["avatar", "moonwalk"]}"#),
            json("schema.json", "order_schema_unsupported", #"{"schema": "refkit.order/9"}"#),
            json("noid.json", "order_missing_field", #"{"scenes": [{"description": "a beach"}]}"#),
            json("dupid.json", "order_duplicate_id", #"{"scenes": [{"id": "beach"}, {"id": "beach"}]}"#),
        ]
    }

    /// A valid order whose image never comes: judged after `image_wait_ms`.
    static let lonelyOrder = json("lonely.json", "order_without_image", #"{"schema": "refkit.order/1", "stages": "core"}"#)

    /// Links whose targets must never be opened through the inbox: (inbox name, target in `outside`).
    static let foreignTargets = ["target-fifo", "target.png", "hard-original.jpg"]
}
